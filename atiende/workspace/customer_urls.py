from django.urls import path

from . import customer_views

app_name = "customers"  # the customer page keeps its name and address (/clientes/<id>/)

urlpatterns = [
    path("<int:customer_id>/", customer_views.customer_detail_view, name="detail"),
]
