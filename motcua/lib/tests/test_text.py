from hypothesis import given
from hypothesis import strategies as st

from motcua.lib.text import fold, search_terms


def test_fold_removes_vietnamese_diacritics_and_d_bar():
    # given a procedure name with every kind of Vietnamese mark
    name = "Cấp Giấy phép xây dựng ĐỐI với nhà ở riêng lẻ"
    # when it is folded
    folded = fold(name)
    # then it reads as plain lower-case ASCII words
    assert folded == "cap giay phep xay dung doi voi nha o rieng le"


def test_fold_keeps_procedure_code_dots_and_drops_punctuation():
    assert fold("1.004227 – Đăng ký (khai sinh)!") == "1.004227 dang ky khai sinh"


def test_search_terms_split_folded_words():
    assert search_terms("  giấy   phép XÂY dựng ") == ["giay", "phep", "xay", "dung"]


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
