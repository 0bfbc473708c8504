"""Police stations and their construction projects: milestones, progress reports with photos,
expenditure, the gender-sensitivity checklist and the handover record."""
