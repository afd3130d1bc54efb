from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("<int:customer_id>/", views.customer_detail_view, name="detail"),
]
