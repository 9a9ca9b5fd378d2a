from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/<int:pk>/unread/", views.notification_unread, name="unread"),
    path("notifications/digest/", views.digest, name="digest"),
    path("search/", views.search, name="search"),
]
