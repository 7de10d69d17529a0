from django.urls import path, re_path

from consultations import views

app_name = "consultations"

C = "consultations/<int:pk>/"

urlpatterns = [
    path("consultations/", views.ConsultationListView.as_view(), name="index"),
    path("consultations/nouvelle/", views.consultation_create, name="create"),
    path("consultations/glossaire/", views.glossary, name="glossary"),
    path("consultations/glossaire/<int:term_pk>/supprimer/", views.glossary_delete, name="glossary_delete"),
    path("consultations/evaluations/", views.evaluations, name="evaluations"),
    path("consultations/evaluations/criteres/", views.criteria, name="criteria"),
    path("consultations/evaluations/projets/<int:project_pk>/", views.project_evaluation, name="project_evaluation"),
    path("consultations/open-data/bilans.json", views.open_data_bilans, name="open_data_bilans"),
    path(C, views.detail, name="detail"),
    path(C + "modifier/", views.consultation_edit, name="edit"),
    path(C + "partenaires/", views.partner_add, name="partner_add"),
    path(C + "partenaires/<int:partner_pk>/retirer/", views.partner_remove, name="partner_remove"),
    path(C + "objectifs/", views.objective_add, name="objective_add"),
    path(C + "objectifs/<int:objective_pk>/retirer/", views.objective_remove, name="objective_remove"),
    path(C + "action/<slug:name>/", views.transition, name="transition"),
    path(C + "questionnaire/", views.builder, name="builder"),
    path(C + "questionnaire/sections/", views.section_add, name="section_add"),
    path(C + "questionnaire/sections/<int:section_pk>/supprimer/", views.section_delete, name="section_delete"),
    path(C + "questionnaire/questions/nouvelle/", views.question_form, name="question_add"),
    path(C + "questionnaire/questions/<int:question_pk>/", views.question_form, name="question_edit"),
    path(C + "questionnaire/questions/<int:question_pk>/supprimer/", views.question_delete, name="question_delete"),
    re_path(
        r"^consultations/(?P<pk>[0-9]+)/questionnaire/questions/(?P<question_pk>[0-9]+)/(?P<direction>up|down)/$",
        views.question_move,
        name="question_move",
    ),
    path(C + "questionnaire/ordre/", views.questions_reorder, name="questions_reorder"),
    path(C + "versions/comparer/", views.version_diff_view, name="diff"),
    path(C + "versions/<int:number>/", views.version_detail, name="version"),
    path(C + "versions/<int:number>/avis/", views.review_answer, name="review_answer"),
    path(C + "versions/<int:number>/questions/<int:question_pk>/commentaires/", views.comment_add, name="comment_add"),
    path(C + "versions/<int:number>/questionnaire.pdf", views.version_pdf, name="version_pdf"),
    path(C + "versions/<int:number>/decidim.json", views.version_decidim, name="version_decidim"),
    path(C + "commentaires/<int:comment_pk>/reponse/", views.comment_reply, name="comment_reply"),
    path(C + "reponses/importer/", views.answers_import, name="import"),
    path(C + "resultats/", views.results, name="results"),
    path(C + "reponses-libres/", views.free_text, name="free_text"),
    path(C + "reponses-libres/<int:answer_pk>/etiquettes/", views.answer_tags, name="answer_tags"),
    path(C + "bilan/", views.bilan_edit, name="bilan_edit"),
    path(C + "bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
    path(C + "evaluation/", views.evaluation, name="evaluation"),
    path("ressources/", views.ResourceListView.as_view(), name="resources"),
    path("ressources/nouvelle/", views.resource_create, name="resource_create"),
    path("ressources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("ressources/<int:pk>/modifier/", views.resource_edit, name="resource_edit"),
    path("ressources/<int:pk>/ordre-du-jour/", views.resource_attach, name="resource_attach"),
    path("ressources/<int:pk>/versions/", views.resource_version_add, name="resource_version_add"),
    path("ressources/<int:pk>/versions/<int:number>/telecharger/", views.resource_download, name="resource_download"),
]
