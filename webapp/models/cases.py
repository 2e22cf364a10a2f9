"""A child, the health question a family brings (the case), and clinicians."""

from datetime import date, timedelta

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class Child(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    cases: Mapped[list["Case"]] = relationship(
        back_populates="child", order_by="Case.id.desc()"
    )
    # The lists the family keeps current, read out at the visit.
    medicines: Mapped[list["ChildListItem"]] = relationship(
        primaryjoin="and_(ChildListItem.child_id == Child.id, ChildListItem.kind == 'medicine')",
        order_by="ChildListItem.id", viewonly=True)
    allergies: Mapped[list["ChildListItem"]] = relationship(
        primaryjoin="and_(ChildListItem.child_id == Child.id, ChildListItem.kind == 'allergy')",
        order_by="ChildListItem.id", viewonly=True)

    def age_on(self, day):
        """Whole years of age on `day`."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class ChildListItem(db.Model):
    """One medicine (with its dose) or one allergy (with what happens) of a child."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # medicine or allergy
    name: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(String(200), default="")  # the dose, or what happens
    since: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Case(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    # A short name for the condition ("scoliosis"), for sentences in scripts and letters;
    # empty on cases from before it was asked, until the family adds it.
    condition: Mapped[str] = mapped_column(String(120), default="")
    diagnosis: Mapped[str] = mapped_column(Text)
    proposed_treatment: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons_other: Mapped[str] = mapped_column(Text, default="")
    safe_to_wait: Mapped[str] = mapped_column(String(20))
    safe_to_wait_note: Mapped[str] = mapped_column(Text, default="")
    # How long the team said it is safe to wait (a number of days or weeks), if they said,
    # counted from the day the family wrote it down: visits after that are named.
    safe_wait_for: Mapped[int | None] = mapped_column(Integer, nullable=True)
    safe_wait_unit: Mapped[str] = mapped_column(String(10), default="")
    safe_wait_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    # Who is who, as the family says: the doctor whose plan they have now, and the one
    # who gave the second opinion. Letters follow these, never the order of entry.
    current_clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinician.id"), nullable=True)
    second_clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinician.id"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    child: Mapped[Child] = relationship(back_populates="cases")
    current_clinician: Mapped["Clinician | None"] = relationship(
        foreign_keys=[current_clinician_id])
    second_clinician: Mapped["Clinician | None"] = relationship(
        foreign_keys=[second_clinician_id])
    visits: Mapped[list["Visit"]] = relationship(  # noqa: F821
        back_populates="case", order_by="(Visit.day, Visit.start_time)"
    )

    @property
    def safe_until(self):
        """The last day the team said it is safe to wait, or None when they gave no time."""
        if not self.safe_wait_for or self.safe_wait_from is None:
            return None
        days = self.safe_wait_for * (7 if self.safe_wait_unit == "weeks" else 1)
        return self.safe_wait_from + timedelta(days=days)


class Clinician(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    specialty: Mapped[str] = mapped_column(String(120), default="")
    centre: Mapped[str] = mapped_column(String(200), default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
