from django.urls import path

from blocs import views

app_name = "blocs"
urlpatterns = [
    path("years/", views.year_overview, name="year_overview"),
    path("bloc-years/<int:pk>/", views.bloc_year_detail, name="bloc_year_detail"),
]
