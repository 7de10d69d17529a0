from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="index"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/editions/", views.edition_list, name="editions"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/bulk/", views.project_bulk, name="bulk"),
    path("projects/import/", views.vote_import, name="vote_import"),
    path("projects/decidim-accountability.csv", views.decidim_accountability_csv, name="decidim_accountability"),
    path("projects/decidim/", views.decidim_page, name="decidim"),
    path("projects/decidim/import/", views.decidim_import, name="decidim_import"),
    path("projects/decidim/statuses/", views.decidim_statuses, name="decidim_statuses"),
    path("projects/decidim/link/", views.decidim_link, name="decidim_link"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/sheet.pdf", views.project_sheet_pdf, name="sheet"),
    path("projects/<int:pk>/transition/<slug:name>/", views.project_transition_view, name="transition"),
    path("projects/<int:pk>/comment/", views.project_comment, name="comment"),
    path("projects/<int:pk>/rescope/", views.project_rescope_view, name="rescope"),
    path("projects/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("projects/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "projects/<int:pk>/attachments/<int:attachment_pk>/replace/",
        views.attachment_replace_view,
        name="attachment_replace",
    ),
    path(
        "projects/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete_view,
        name="attachment_delete",
    ),
    path("projects/<int:pk>/comments/<int:entry_pk>/edit/", views.comment_edit, name="comment_edit"),
    path("projects/<int:pk>/comments/<int:entry_pk>/delete/", views.comment_delete, name="comment_delete"),
    path("projects/tasks/<int:task_pk>/", views.task_detail, name="task"),
    path("projects/tasks/<int:task_pk>/correct/", views.task_correct, name="task_correct"),
    path("projects/tasks/<int:task_pk>/take/", views.task_take, name="task_take"),
    path("projects/tasks/<int:task_pk>/release/", views.task_release, name="task_release"),
    path("open-data/", views.open_data_page, name="open_data"),
    path("projects/editions/<int:pk>/publish/", views.edition_publish, name="edition_publish"),
    path("open-data/projects.json", views.open_data_json, name="open_data_json"),
    path("open-data/projects.csv", views.open_data_csv, name="open_data_csv"),
]
