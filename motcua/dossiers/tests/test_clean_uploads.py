"""`manage.py clean_uploads`: files on disk that no DossierFile names, and old enough, are removed;
recorded, young and unknown files are left alone."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from motcua.catalog.models import DocumentComponent
from motcua.dossiers.models import DossierFile
from motcua.dossiers.services import online
from motcua.dossiers.tests.factories import APPLICANT, agency_setup
from motcua.dossiers.tests.upload_samples import pdf_bytes, uploaded
from motcua.dossiers.uploads import upload_path, uploads_orphaned

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    setup["form"] = DocumentComponent.objects.create(version=setup["version"], order=1, name="Đơn đề nghị")
    return setup


def orphan(root, name="0123456789abcdef0123456789abcdef.pdf", *, month="2025/03", age_hours=48, data=b"%PDF-1.7"):
    """Write a file under UPLOAD_ROOT as upload_store would, with no DossierFile, last modified age_hours ago."""
    path = root / month / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    moment = time.time() - age_hours * 3600
    os.utime(path, (moment, moment))
    return path


def recorded_file(setup):
    """Return the path of the PDF of a dossier submitted online, aged two days."""
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=False):
        online.dossier_submit_online(
            version=setup["version"],
            applicant=APPLICANT,
            uploads=[online.Upload(setup["form"].name, uploaded("don-de-nghi.pdf", pdf_bytes()), setup["form"])],
        )
    path = upload_path(DossierFile.objects.get().storage_name)
    moment = time.time() - 2 * DAY
    os.utime(path, (moment, moment))
    return path


def clean(*args: str) -> list[str]:
    out = StringIO()
    call_command("clean_uploads", *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def test_an_old_orphan_is_removed_and_a_recorded_file_is_kept(setup, upload_root):
    # given a file recorded by a dossier and an orphan in the same month, both two days old
    kept = recorded_file(setup)
    removed = orphan(upload_root, data=b"x" * 100)
    # when the uploads are cleaned (returning normally: exit status 0)
    lines = clean()
    # then only the orphan is gone, named relative to UPLOAD_ROOT, and the count and bytes are printed
    assert not removed.exists() and kept.exists()
    assert lines == [
        "2025/03/0123456789abcdef0123456789abcdef.pdf",
        "Đã xóa 1 tệp không có trong CSDL, 100 byte / orphan files removed, bytes",
    ]


def test_a_young_orphan_is_kept(upload_root):
    # given an orphan written an hour ago (its submission may not have committed yet) and one of 30 hours
    young = orphan(upload_root, "a" * 32 + ".jpg", age_hours=1)
    old = orphan(upload_root, "b" * 32 + ".png", month="2024/12", age_hours=30)
    # when the uploads older than 24 hours are cleaned, then the young one stays
    clean()
    assert young.exists() and not old.exists()
    # and with --older-than-hours 48 the 30-hour-old one would have stayed too
    old = orphan(upload_root, "b" * 32 + ".png", month="2024/12", age_hours=30)
    clean("--older-than-hours", "48")
    assert old.exists()


def test_dry_run_lists_the_orphans_and_removes_nothing(upload_root):
    # given an old orphan of 10 bytes
    path = orphan(upload_root, data=b"0123456789")
    # when the uploads are cleaned with --dry-run
    lines = clean("--dry-run")
    # then it is listed but still on disk
    assert path.exists()
    assert lines == [
        "2025/03/0123456789abcdef0123456789abcdef.pdf",
        "Có thể xóa 1 tệp không có trong CSDL, 10 byte / orphan files removable, bytes",
    ]


@pytest.mark.parametrize(
    "relative",
    [
        "2025/03/ghi-chu.txt",
        "2025/03/0123456789ABCDEF0123456789ABCDEF.pdf",
        "2025/03/0123456789abcdef0123456789abcdef.exe",
        "2025/03/0123456789abcdef0123456789abcdef.pdf.tmp",
        "2025/0123456789abcdef0123456789abcdef.pdf",
        "0123456789abcdef0123456789abcdef.pdf",
        "sao-luu/03/0123456789abcdef0123456789abcdef.pdf",
    ],
)
def test_a_file_not_named_as_generated_is_left_alone(upload_root, relative):
    # given an old file whose path is not YYYY/MM/<32 hex>.<ext>
    path = upload_root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ghi chu")
    moment = time.time() - 2 * DAY
    os.utime(path, (moment, moment))
    # when the uploads are cleaned, then it is neither listed nor removed
    assert clean() == ["Đã xóa 0 tệp không có trong CSDL, 0 byte / orphan files removed, bytes"]
    assert path.exists()


def test_symlinks_are_not_followed(upload_root, tmp_path):
    # given a generated-looking name that is a symlink to a file outside, and a month directory that is a symlink
    outside = tmp_path / "outside"
    target = orphan(outside, month="2025/03")
    link = upload_root / "2025" / "04" / ("c" * 32 + ".pdf")
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    (upload_root / "2025" / "03").symlink_to(outside / "2025" / "03", target_is_directory=True)
    # when the orphans are looked for, then neither is found and the target survives a cleaning
    assert uploads_orphaned(older_than=timedelta(hours=24)) == []
    clean()
    assert target.exists() and link.is_symlink()


def test_now_and_older_than_decide_the_age(upload_root):
    # given an orphan written 30 hours ago
    path = orphan(upload_root, age_hours=30)
    # then it is old enough for 24 hours, not for 48, and not when "now" is 10 hours ago
    assert uploads_orphaned(older_than=timedelta(hours=24)) == [path]
    assert uploads_orphaned(older_than=timedelta(hours=48)) == []
    assert uploads_orphaned(older_than=timedelta(hours=24), now=timezone.now() - timedelta(hours=10)) == []


def test_a_missing_upload_root_means_nothing_to_clean(upload_root):
    # given no upload directory at all, when the uploads are cleaned, then nothing is done
    assert not upload_root.exists()
    assert clean() == ["Đã xóa 0 tệp không có trong CSDL, 0 byte / orphan files removed, bytes"]


def test_a_non_positive_age_is_refused(upload_root):
    path = orphan(upload_root)
    with pytest.raises(CommandError, match="must be at least 1"):
        clean("--older-than-hours", "0")
    assert path.exists()
