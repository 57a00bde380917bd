from django.urls import include, path

from ameliora.core import profile_views, token_views, views, webhook_views

app_name = "core"

org_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("my-work/", views.my_work, name="my_work"),
    # People
    path("members/", views.member_list, name="member_list"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/<int:membership_id>/", views.member_detail, name="member_detail"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # Settings
    path("settings/", views.organization_settings, name="organization_settings"),
    path("settings/tokens/", token_views.organization_tokens, name="organization_tokens"),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        token_views.organization_token_revoke,
        name="organization_token_revoke",
    ),
    path("settings/webhooks/", webhook_views.endpoint_list, name="webhook_list"),
    path("settings/webhooks/<int:endpoint_id>/", webhook_views.endpoint_detail, name="webhook_detail"),
    path("settings/webhooks/<int:endpoint_id>/delete/", webhook_views.endpoint_delete, name="webhook_delete"),
    # Notifications
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_mark_read, name="notification_mark_read"),
    # Attachments and comments on any object of the organization
    path("attach/<int:content_type_id>/<int:object_id>/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("comment/<int:content_type_id>/<int:object_id>/", views.comment_add, name="comment_add"),
    # Background jobs
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job_download"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("account/profile/", profile_views.profile, name="profile"),
    path("account/my-data/", profile_views.personal_data_download, name="personal_data_download"),
    path("account/close/", profile_views.account_close, name="account_close"),
    path("account/tokens/", token_views.personal_tokens, name="personal_tokens"),
    path("account/tokens/<int:token_id>/revoke/", token_views.personal_token_revoke, name="personal_token_revoke"),
    path("o/<slug:org_slug>/", include(org_patterns)),
]
