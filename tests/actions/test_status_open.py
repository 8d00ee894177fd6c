def test_open_is_a_state_in_persian_not_the_verb(app):
    """The status "Open" reads «باز»; the home card's verb "Open" keeps «باز کردن»."""
    from flask_babel import force_locale, gettext

    from workbench.actions.labels import STATUS_LABELS
    from workbench.fmea.fields import STATUS_LABELS as ROW_STATUS

    with app.test_request_context(), force_locale("fa"):
        assert str(STATUS_LABELS["open"]) == "باز" and str(ROW_STATUS["open"]) == "باز"
        assert gettext("Open") == "باز کردن"
