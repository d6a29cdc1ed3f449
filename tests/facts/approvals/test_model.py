"""Which review requirements a set of approvals meets, and the words that say why."""

from __future__ import annotations

import pytest

from gatekeeper.errors import UsageError
from gatekeeper.facts.approvals import Approvals, Membership, evaluate
from gatekeeper.facts.approvals.model import AnyOf

TWO = Approvals("github", ("alice", "bob"))


def rows(approvals: Approvals, **kwargs: object) -> list[tuple[str, bool, str]]:
    """Each requirement of the assessment of ``approvals``: name, met, and why."""
    assessment = evaluate(approvals, **kwargs)  # type: ignore[arg-type]
    return [(r.requirement, r.met, r.why) for r in assessment.requirements]


def test_no_requirements_are_satisfied_by_anything() -> None:
    assessment = evaluate(Approvals("gitlab", ()))
    assert assessment.requirements == ()
    assert assessment.satisfied


@pytest.mark.parametrize(("required", "expected"), [
    (1, ("1 approval", True, "1 approval required, 2 given (@alice, @bob)")),
    (2, ("2 approvals", True, "2 approvals required, 2 given (@alice, @bob)")),
    (3, ("3 approvals", False, "3 approvals required, 2 given (@alice, @bob)")),
])
def test_the_count_compares_distinct_approvers(required: int,
                                               expected: tuple[str, bool, str]) -> None:
    assert rows(TWO, required=required) == [expected]


def test_a_count_with_no_approvals_names_nobody() -> None:
    assert rows(Approvals("github", ()), required=1) == [
        ("1 approval", False, "1 approval required, 0 given")]


def test_user_owners_match_logins_without_regard_to_case() -> None:
    assert rows(TWO, owners=["@Alice", "@carol"]) == [
        ("@Alice", True, "@Alice approved"),
        ("@carol", False, "@carol has not approved")]


def test_a_group_is_met_by_any_approving_member() -> None:
    core = Membership("@octo/core", ("Bob", "alice", "dan"))
    assert rows(TWO, owners=["@OCTO/core"], memberships={"@octo/Core": core}) == [
        ("@OCTO/core", True, "@OCTO/core: approved by @alice, @bob")]


def test_a_group_without_approving_members_says_how_many_it_has() -> None:
    docs = Membership("@docs", ("dora", "dan"))
    assert rows(TWO, owners=["@docs"], memberships={"@docs": docs}) == [
        ("@docs", False, "@docs: none of its 2 members has approved")]


def test_met_and_unmet_split_the_requirements() -> None:
    assessment = evaluate(TWO, required=3, owners=["@alice", "@zed"])
    assert [r.requirement for r in assessment.met] == ["@alice"]
    assert [r.requirement for r in assessment.unmet] == ["3 approvals", "@zed"]
    assert not assessment.satisfied


def test_an_incomplete_listing_meets_nothing() -> None:
    cut = Approvals("gitlab", ("alice",), complete=False, pages=100)
    assessment = evaluate(cut, required=1, owners=["@alice"])
    assert assessment.unmet == assessment.requirements
    assert assessment.requirements[0].why == (
        "cannot tell: only the first 100 pages of the GitLab listing were read, and a later "
        "review could undo an approval")


@pytest.mark.parametrize("owner", ["alice", "@", "@a b", "@org/", "@org//team", "@-x", ""])
def test_an_owner_that_is_not_a_name_is_a_usage_error(owner: str) -> None:
    with pytest.raises(UsageError, match="is not a @name"):
        evaluate(TWO, owners=[owner])


@pytest.mark.parametrize("required", [-1, True, 1.5])
def test_the_required_count_must_be_a_whole_number(required: object) -> None:
    with pytest.raises(UsageError):
        evaluate(TWO, required=required)  # type: ignore[arg-type]


def test_any_of_counts_approving_users_and_team_members_once_each() -> None:
    core = Membership("@octo/core", ("bob", "carol"))
    three = Approvals("github", ("alice", "bob", "dan"))
    wanted = AnyOf(("@Alice", "@octo/core", "@bob"), 2, "code owners [Core]")
    assert rows(three, any_of=[wanted], memberships={"@octo/core": core}) == [
        ("code owners [Core]: 2 approvals from @Alice, @octo/core, @bob", True,
         "code owners [Core]: 2 approvals from @Alice, @octo/core, @bob: approved by "
         "@alice, @bob")]
    assert not evaluate(three, any_of=[AnyOf(("@octo/core", "@zed"), 2)],
                        memberships={"@octo/core": core}).satisfied


def test_any_of_names_owners_no_approver_can_match() -> None:
    wanted = AnyOf(("@bob",), 2, "code owners", unmatched=("ops@example.com",))
    assert rows(TWO, any_of=[wanted]) == [
        ("code owners: 2 approvals from @bob, ops@example.com", False,
         "code owners: 2 approvals from @bob, ops@example.com: 1 given (@bob); "
         "ops@example.com cannot be matched to an approver (write owners as @login to count "
         "them)")]


def test_any_of_with_a_cut_member_list_says_it_is_not_certain() -> None:
    cut = Membership("@docs", ("dora",), complete=False)
    [(_, met, why)] = rows(TWO, any_of=[AnyOf(("@docs",))], memberships={"@docs": cut})
    assert not met and why.endswith("(a member list was cut at the page limit, so this is "
                                    "not certain)")


def test_any_of_follows_the_count_and_owners_and_an_incomplete_listing_meets_none() -> None:
    cut = Approvals("github", ("alice", "bob"), complete=False, pages=2)
    assessment = evaluate(cut, required=1, owners=["@alice"], any_of=[AnyOf(("@bob",))])
    assert [r.requirement for r in assessment.requirements] == [
        "1 approval", "@alice", "owners: 1 approval from @bob"]
    assert assessment.unmet == assessment.requirements


@pytest.mark.parametrize("wanted", [AnyOf(("bob",)), AnyOf(("@bob",), -1),
                                    AnyOf(("@bob",), True)])
def test_an_any_of_with_a_bad_owner_or_count_is_a_usage_error(wanted: AnyOf) -> None:
    with pytest.raises(UsageError):
        evaluate(TWO, any_of=[wanted])
