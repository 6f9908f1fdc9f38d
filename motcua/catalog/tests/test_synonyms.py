"""Everyday words for procedures: the table in synonyms.csv and how a query expands."""

import pytest

from motcua.catalog.selectors import procedure_search
from motcua.catalog.synonyms import expand_query, synonym_table
from motcua.catalog.tests.factories import FieldFactory, ProcedureVersionFactory
from motcua.lib.text import fold


def test_the_table_is_folded_and_covers_the_words_people_use():
    table = synonym_table()
    for everyday in ("so do", "so hong", "khai sinh", "ho khau", "cccd", "bang lai", "ket hon", "xay nha"):
        assert everyday in table, everyday
    assert "giay chung nhan quyen su dung dat" in table["so do"]
    assert "dang ky khai sinh" in table["khai sinh"]
    assert "thuong tru" in table["ho khau"]
    assert "can cuoc" in table["cccd"]
    assert "giay phep xay dung" in table["xay nha"]
    assert "ho kinh doanh" in table["dang ky kinh doanh"]
    # every entry is already folded, so a typed query matches it with or without accents
    assert all(phrase == fold(phrase) for phrases in table.values() for phrase in (*phrases,))


def test_a_query_expands_its_everyday_phrase_and_keeps_the_other_words():
    assert expand_query("Cấp lại sổ đỏ bị mất") == [
        ("cap",),
        ("lai",),
        ("so do", *synonym_table()["so do"]),
        ("bi",),
        ("mat",),
    ]


def test_the_longest_everyday_phrase_wins():
    assert expand_query("giấy khai sinh")[0][0] == "giay khai sinh"
    assert len(expand_query("giấy khai sinh")) == 1


def test_a_query_without_everyday_words_is_its_words():
    assert expand_query("cap  giay phep moi truong") == [("cap",), ("giay",), ("phep",), ("moi",), ("truong",)]
    assert expand_query("") == []


@pytest.mark.django_db
def test_the_back_office_search_forgives_everyday_words_too():
    ProcedureVersionFactory(name="Đăng ký thường trú", field=FieldFactory(name="Đăng ký, quản lý cư trú"))
    ProcedureVersionFactory(name="Thủ tục đăng ký khai sinh")
    assert [v.name for v in procedure_search(query="nhap ho khau")] == ["Đăng ký thường trú"]


@pytest.mark.django_db
def test_the_closest_procedures_come_first():
    # given a forest procedure that only mentions land use rights, and a land certificate procedure
    forest = FieldFactory(name="Bảo vệ và phát triển rừng")  # sorts before "Đất đai" in any collation
    land = FieldFactory(name="Đất đai")
    ProcedureVersionFactory(name="Giao rừng khi đã được công nhận quyền sử dụng đất có rừng", field=forest)
    ProcedureVersionFactory(name="Cấp đổi Giấy chứng nhận quyền sử dụng đất", field=land)
    # when someone searches "sổ đỏ"
    found = [v.name for v in procedure_search(query="so do")]
    # then the certificate comes first, though its field sorts after the forest's
    assert found == [
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
        "Giao rừng khi đã được công nhận quyền sử dụng đất có rừng",
    ]
