from django.shortcuts import redirect, render

from blocs.permissions import bloc_years_for_user


def home(request):
    """Province staff land on the year overview; bloc users on their newest bloc-year."""
    if request.user.is_province_staff:
        return redirect("blocs:year_overview")
    bloc_year = bloc_years_for_user(request.user).order_by("-year").first()
    if bloc_year:
        return redirect("blocs:bloc_year_detail", pk=bloc_year.pk)
    return render(request, "emulation/no_bloc.html")
