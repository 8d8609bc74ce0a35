from django.urls import path

from blocs.views import structure

app_name = "blocs"
urlpatterns = [
    path("years/", structure.year_overview, name="year_overview"),
    path("bloc-years/<int:pk>/", structure.bloc_year_detail, name="bloc_year_detail"),
]
