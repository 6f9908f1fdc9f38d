# motcua — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest bench messages clean

$(STAMP): requirements/base.in requirements/dev.in requirements/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.in -c requirements/constraints.txt
	touch $(STAMP)

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	chmod 600 var/secret_key

## run: install, migrate, load the demo province when the database is empty, serve on 127.0.0.1:8000
run: $(STAMP) var/secret_key
	MOTCUA_SECRET_KEY="$${MOTCUA_SECRET_KEY:-$$(cat var/secret_key)}" sh -c '\
	  $(PY) manage.py migrate --noinput && \
	  $(PY) manage.py load_demo --if-empty && \
	  $(PY) manage.py collectstatic --noinput -v 0 && \
	  $(PY) manage.py check --deploy --fail-level ERROR && \
	  echo "motcua: http://127.0.0.1:8000/ (Ctrl+C để dừng / to stop)" && \
	  exec $(VENV)/bin/gunicorn -c gunicorn.conf.py motcua.wsgi'

## test: ruff, mypy (strict for lib/ and workdays/), pytest
test: lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy motcua

pytest: $(STAMP)
	$(VENV)/bin/pytest

## bench: the reproducible benchmarks of bench/README.md
bench: $(STAMP)
	$(PY) bench/appointments.py

## messages: refresh and compile the English translation catalog
messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var/static
