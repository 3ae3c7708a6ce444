"""Blueprints, registered from this one list."""

from matchmaker.views.account import bp as account_bp
from matchmaker.views.admin import bp as admin_bp
from matchmaker.views.auth import bp as auth_bp
from matchmaker.views.main import bp as main_bp
from matchmaker.views.organisations import bp as organisations_bp

BLUEPRINTS = [main_bp, auth_bp, account_bp, organisations_bp, admin_bp]
