"""Blueprints, registered from this one list."""

from matchmaker.views.account import bp as account_bp
from matchmaker.views.admin import bp as admin_bp
from matchmaker.views.agenda import bp as agenda_bp
from matchmaker.views.api import bp as api_bp
from matchmaker.views.auth import bp as auth_bp
from matchmaker.views.dashboard import bp as dashboard_bp
from matchmaker.views.desk import bp as desk_bp
from matchmaker.views.imports import bp as imports_bp
from matchmaker.views.leads import bp as leads_bp
from matchmaker.views.lot_editor import bp as lot_editor_bp
from matchmaker.views.lot_files import bp as lot_files_bp
from matchmaker.views.lots import bp as lots_bp
from matchmaker.views.main import bp as main_bp
from matchmaker.views.matching import api_bp as matching_api_bp
from matchmaker.views.matching import bp as matching_bp
from matchmaker.views.meetings import bp as meetings_bp
from matchmaker.views.meetings_admin import bp as meetings_admin_bp
from matchmaker.views.notifications import bp as notifications_bp
from matchmaker.views.offers import bp as offers_bp
from matchmaker.views.organisations import bp as organisations_bp
from matchmaker.views.printables import bp as printables_bp
from matchmaker.views.pwa import bp as pwa_bp
from matchmaker.views.qr import bp as qr_bp
from matchmaker.views.roundtable import bp as roundtable_bp

BLUEPRINTS = [main_bp, auth_bp, account_bp, organisations_bp, admin_bp, meetings_bp, agenda_bp,
              meetings_admin_bp, lots_bp, lot_editor_bp, lot_files_bp, api_bp, roundtable_bp,
              qr_bp, leads_bp, printables_bp, offers_bp,
              dashboard_bp, desk_bp, notifications_bp, matching_bp, matching_api_bp, imports_bp,
              pwa_bp]
