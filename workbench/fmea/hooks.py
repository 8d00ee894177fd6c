"""Registers the FMEA panel on the project page, the home card and the demo FMEA (appended once per process)."""

from workbench import demo
from workbench.fmea import links
from workbench.fmea.demo import demo_fmea
from workbench.fmea.routes import home_card, project_panel
from workbench.main.services import HOME_CARDS
from workbench.teams.routes import PROJECT_PANELS

if project_panel not in PROJECT_PANELS:
    PROJECT_PANELS.append(project_panel)
if demo_fmea not in demo.DEMO_STEPS:
    demo.DEMO_STEPS.append(demo_fmea)
if home_card not in HOME_CARDS:
    HOME_CARDS.append(home_card)
links.register()
