"""What a family typed, put into our sentences (webapp/wording.py)."""

import pytest

from webapp.wording import in_sentence


@pytest.mark.parametrize("typed, placed", [
    ("Possible juvenile idiopathic arthritis.", "possible juvenile idiopathic arthritis"),
    ("Acute lymphoblastic leukaemia", "acute lymphoblastic leukaemia"),
    ("  Suspected  scoliosis ", "suspected scoliosis"),
    ("A heart murmur", "a heart murmur"),
    ("Juvenile arthritis", "juvenile arthritis"),
    ("Scoliosis", "scoliosis"),
    ("Scoliosis, idiopathic", "scoliosis, idiopathic"),
    ("Epilepsy.", "epilepsy"),
    ("Juvenile Idiopathic Arthritis", "juvenile idiopathic arthritis"),
    ("Possible Down Syndrome", "possible Down syndrome"),
    ("Crohn's Disease", "Crohn's disease"),
    ("Hepatitis A", "hepatitis A"),
])
def test_a_capital_that_only_began_the_sentence_goes(typed, placed):
    assert in_sentence(typed) == placed


@pytest.mark.parametrize("typed", [
    "Ewing sarcoma", "ALL", "Crohn's disease", "Hodgkin lymphoma", "T-cell lymphoma",
    "HIV", "Down syndrome", "Wilms tumour", "Kawasaki disease", "Perthes", "",
    "ADHD", "Non-Hodgkin lymphoma", "Lyme disease", "McCune-Albright syndrome",
])
def test_names_and_abbreviations_keep_their_capitals(typed):
    assert in_sentence(typed) == typed
