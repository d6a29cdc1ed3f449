import waffle
from django.shortcuts import render
from django.views import View
from shop.checkout import maintenance, new_checkout, old_checkout
from waffle import switch_is_active
from waffle.decorators import waffle_flag, waffle_switch
from waffle.mixins import WaffleFlagMixin


def checkout(request):
    if waffle.flag_is_active(request, 'new_checkout'):
        return new_checkout(request)
    if switch_is_active('checkout_maintenance'):
        return maintenance(request)
    return old_checkout(request)


@waffle_flag('beta_reports')
def reports(request):
    return render(request, 'reports.html')


@waffle_switch('!reports_outage')
def report_status(request):
    return render(request, 'status.html')


class ReportView(WaffleFlagMixin, View):
    waffle_flag = "class_based_reports"
