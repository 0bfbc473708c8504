"""Stations and construction projects: scoped queries and the operations that change them.

Services check the business rules, flush and raise DomainError with a message saying what to fix; the request
commits. Those that keep to the user's area (stations, projects) or record who did something (reports, photos,
the handover) take the acting user: None for the CLI and the demo loader, which act everywhere.

stations.py: visibility, choices, the station registry, dashboard cards; projects.py: the milestone
template, projects and their milestones; progress.py: progress reports with photos, expenditure, the
gender-sensitivity checklist and the handover; photos.py: checking, scaling and storing the photo files;
metrics.py: a project's progress, budget use, slippage and status; portfolio.py: the construction portfolio's
filters, totals and export; places.py: the stations on the map.
"""
from cpms.stations.service import metrics, photos, places, portfolio
from cpms.stations.service.progress import (
                                           MAX_PHOTOS_PER_REPORT,
                                           SETTLEMENT_DAYS,
                                           project_checklist,
                                           project_expenditures,
                                           project_handover,
                                           project_reports,
                                           projects_to_keep,
                                           record_expenditure,
                                           record_handover,
                                           record_progress_report,
                                           report_files,
                                           report_sent_with,
                                           save_checklist,
)
from cpms.stations.service.projects import (
                                           accepted_handover,
                                           create_project,
                                           ensure_default_template,
                                           missing_required_milestones,
                                           planned_dates,
                                           project_milestones,
                                           template_items,
                                           update_milestones,
                                           update_project,
                                           update_template,
)
from cpms.stations.service.stations import (
                                           can_see_project,
                                           can_see_station,
                                           commune_choices_for,
                                           create_station,
                                           programme_choices_for,
                                           station_choices_for,
                                           update_station,
                                           visible_projects,
                                           visible_stations,
)

__all__ = ["metrics", "photos", "places", "portfolio",
           "MAX_PHOTOS_PER_REPORT", "SETTLEMENT_DAYS", "accepted_handover", "missing_required_milestones", "can_see_project", "can_see_station", "commune_choices_for", "create_project",
           "create_station", "ensure_default_template", "planned_dates", "programme_choices_for", "project_checklist",
           "project_expenditures", "project_handover", "project_milestones", "project_reports", "projects_to_keep", "record_expenditure",
           "record_handover", "record_progress_report", "report_files", "report_sent_with", "save_checklist", "station_choices_for",
           "template_items", "update_milestones", "update_project", "update_station", "update_template",
           "visible_projects", "visible_stations"]
