from django.urls import path

from . import views

app_name = "bev"
urlpatterns = [
    path("", views.fund, name="fund"),
    path("book/<slug:action>/", views.fund_book, name="fund_book"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("reversals/<int:proposal_id>/<slug:decision>/", views.reversal_decide, name="reversal_decide"),
    path("fees/", views.fees, name="fees"),
    path("fees/budget/", views.fee_budget_set, name="fee_budget_set"),
    path("fees/<int:fee_id>/<slug:decision>/", views.fee_decide, name="fee_decide"),
    path("loan-repayments/", views.loan_repayments, name="loan_repayments"),
    path(
        "loan-repayments/<int:proposal_id>/<slug:decision>/",
        views.loan_repayment_decide,
        name="loan_repayment_decide",
    ),
    path("loan-interest-payments/", views.loan_interest_payments, name="loan_interest_payments"),
    path(
        "loan-interest-payments/<int:proposal_id>/<slug:decision>/",
        views.loan_interest_payment_decide,
        name="loan_interest_payment_decide",
    ),
    path("cases/<int:pk>/", views.case_positions, name="case_positions"),
    path("cases/<int:pk>/proposals/", views.investment_proposal_propose, name="proposal_propose"),
    path("proposals/<int:proposal_id>/<slug:decision>/", views.investment_proposal_decide, name="proposal_decide"),
    path("positions/<int:position_id>/", views.position, name="position"),
    path("positions/<int:position_id>/<slug:action>/", views.position_book, name="position_book"),
    path("disbursements/<int:disbursement_id>/<slug:decision>/", views.disbursement_decide, name="disbursement_decide"),
]
