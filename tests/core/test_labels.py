"""The shared vocabularies (cpms/core/labels.py)."""
import pytest

from cpms.core.labels import AGE_GROUP_LABELS, AGE_GROUPS, SEX_LABELS, UNDER_AGE, age_group_of


@pytest.mark.parametrize("age, group", [(12, UNDER_AGE), (17.9, UNDER_AGE), (18, "18–24"), (24, "18–24"),
                                        (24.5, "25–34"), (34, "25–34"), (35, "35–49"), (49, "35–49"),
                                        (50, "50+"), (97, "50+")])
def test_age_groups(age, group):
    assert age_group_of(age) == group


def test_entered_values_keep_their_keys_and_show_the_shared_labels():
    assert list(AGE_GROUP_LABELS) == ["18-24", "25-34", "35-49", "50+"]
    assert list(AGE_GROUP_LABELS.values()) == list(AGE_GROUPS)


def test_a_trainee_and_a_committee_member_choose_their_sex_from_the_same_labels(app):
    from cpms.committees.forms import MemberForm
    from cpms.training.forms import TraineeForm
    with app.test_request_context():
        assert [c[:2] for c in TraineeForm().sex.choices] == [c[:2] for c in MemberForm().sex.choices] \
            == list(SEX_LABELS.items())
