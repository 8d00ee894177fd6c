"""What this package shows on other pages (project panels, a home card) and its demo data;
added by ``workbench.actions.init_app``."""

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from workbench.actions import clock, effectiveness, notify, services
from workbench.actions.models import OPEN_STATUSES, CorrectiveAction
from workbench.extensions import db
from workbench.i18n import join_list
from workbench.models import User
from workbench.teams import stages


def _action_counts(project_id: int) -> tuple[int, int, int]:
    A = CorrectiveAction
    today = clock.today()
    total, open_, overdue = db.session.execute(
        select(
            func.count(A.id),
            func.coalesce(func.sum(db.case((A.status.in_(OPEN_STATUSES), 1), else_=0)), 0),
            func.coalesce(func.sum(db.case((db.and_(A.status.in_(OPEN_STATUSES), A.due_date < today), 1), else_=0)), 0),
        ).where(A.project_id == project_id)
    ).one()
    return total, open_, overdue


def actions_panel(project, user):
    total, open_, overdue = _action_counts(project.id)
    summary = join_list([ngettext("%(num)d action", "%(num)d actions", total), _("%(open)d open", open=open_),
                         _("%(n)d overdue", n=overdue) if overdue else ""])
    return {"title": _("Corrective actions"), "url": url_for("actions.project_actions", project_id=project.id), "summary": summary}


def lifecycle_panel(project, user):
    return {"title": _("Lifecycle and closure"), "url": url_for("actions.lifecycle_page", project_id=project.id),
            "summary": _("Is / is-not, stage history, sign-off, lessons learned")}


def effectiveness_panel(project, user):
    return {"title": _("Effectiveness check"), "url": url_for("actions.effectiveness_page", project_id=project.id),
            "summary": _("Complaints before vs after the actions")}


def trace_panel(project, user):
    return {"title": _("Traceability"), "url": url_for("actions.trace_page", project_id=project.id),
            "summary": _("From complaints to actions, as a graph")}


def report_panel(project, user):
    return {"title": _("8D report (PDF)"), "url": url_for("actions.report_pdf", project_id=project.id),
            "summary": _("D0-D8 on one A4 page; every detail in an appendix when asked")}


def my_actions_card(user):
    A = CorrectiveAction
    today = clock.today()
    open_, overdue = db.session.execute(
        select(
            func.coalesce(func.sum(db.case((A.status.in_(OPEN_STATUSES), 1), else_=0)), 0),
            func.coalesce(func.sum(db.case((db.and_(A.status.in_(OPEN_STATUSES), A.due_date < today), 1), else_=0)), 0),
        ).where(A.owner_id == user.id)
    ).one()
    unread = notify.unread_count(user)
    if not (open_ or unread):
        return None
    text = _("You own %(open)d open action(s), %(overdue)d overdue; %(unread)d unread reminder(s).", open=open_, overdue=overdue, unread=unread)
    return {"title": _("My actions"), "text": text, "url": url_for("actions.notifications"), "link_text": _("Reminders")}


CRITERIA = {
    "کاهش تأخیر در تحویل سفارش‌ها": "شکایت‌های تأخیر در تحویل طی ۶۰ روز پس از اقدامات به‌طور معناداری کم شود.",
    "Refrigerator R-400 compressor noise": "Noise complaints about production fall significantly within 60 days.",
}


def demo_actions(context: dict) -> dict:
    """Actions, an effectiveness check and a stage history for the demo projects."""
    projects = context.get("projects", {})
    if db.session.scalar(select(func.count(CorrectiveAction.id))):
        return {}
    today = clock.today()
    created = 0
    plans = {
        "کاهش تأخیر در تحویل سفارش‌ها": (
            ("هماهنگی روزانه انبار و فروش برای سفارش‌های معوق", "containment", -20, "verified"),
            ("تعریف زمان تحویل واقعی در سامانه فروش", "corrective", -5, "in_progress"),
            ("پیامک خودکار به مشتری هنگام تغییر تاریخ تحویل", "preventive", 12, "open"),
        ),
        "Refrigerator R-400 compressor noise": (
            ("Quarantine R-400 units from the new compressor lot", "containment", -15, "done"),
            ("Incoming inspection of compressor noise at the supplier", "corrective", 2, "open"),
        ),
    }
    for title, items in plans.items():
        project = projects.get(title)
        if project is None:
            continue
        for name, kind, due_in, status in items:
            action = services.save_action(None, project, {"title": name, "type": kind, "owner_id": project.leader_id,
                                                           "due_date": today + timedelta(days=due_in), "status": "open"})
            db.session.flush()
            if status != "open":
                services.save_action(action, project, {"status": "done" if status in ("done", "verified") else status})
                if status == "verified":
                    services.save_action(action, project, {"status": "verified"})
            created += 1
        leader = db.session.get(User, project.leader_id)
        for stage in ("contain", "analyse", "improve"):
            stages.change_stage(project, leader, stage)
            db.session.flush()
        # Checked on the day after the demo's newest complaint: the after window holds only imported days.
        through = effectiveness.imported_through(project.id)
        check_date = min(today, through + timedelta(days=1)) if through else today
        check = effectiveness.save_check(None, project, {
            "criteria": CRITERIA.get(title, ""),
            "actions_on": check_date - timedelta(days=60), "check_date": check_date, "process_owner": project.process_owner.key if project.process_owner else "",
        })
        db.session.flush()
        effectiveness.measure(check)
    return {"actions": created}

