from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from atiende.accounts import api as accounts_api
from atiende.appointments import api as appointments_api
from atiende.arco import api as arco_api
from atiende.assets import api as assets_api
from atiende.automation import api as automation_api
from atiende.calls import api as calls_api
from atiende.core.middleware import allow_inline_styles
from atiende.credits import api as credits_api
from atiende.customers import api as customers_api
from atiende.kb import api as kb_api
from atiende.macros import api as macros_api
from atiende.mail import api as mail_api
from atiende.mail import api_agents as mail_agents_api
from atiende.maintenance import api as maintenance_api
from atiende.replycheck import api as replycheck_api
from atiende.reporting import api as reporting_api
from atiende.returns import api as returns_api
from atiende.routing import api as routing_api
from atiende.sla import api as sla_api
from atiende.sla import api_policies as sla_policies_api
from atiende.telegram import api as telegram_api
from atiende.tickets import api as tickets_api
from atiende.tickets import api_copies as tickets_copies_api
from atiende.tickets import api_customer_merge as customer_merge_api
from atiende.webhooks import api as webhooks_api
from atiende.whatsapp import api as whatsapp_api

from .ids import IdConverter
from .views import TokenDetailView, TokenListView, TokenView

register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", TokenListView.as_view(), name="tokens"),
    path("audit-log/", accounts_api.AuditLogView.as_view(), name="audit-log"),
    path("auth/tokens/<id:token_id>/", TokenDetailView.as_view(), name="token-detail"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("tickets/", tickets_api.TicketListView.as_view(), name="tickets"),
    path("tickets/bulk/", tickets_api.TicketBulkUpdateView.as_view(), name="tickets-bulk"),
    path("tickets/<id:ticket_id>/", tickets_api.TicketDetailView.as_view(), name="ticket"),
    path("tickets/<id:ticket_id>/messages/", tickets_api.TicketMessagesView.as_view(), name="ticket-messages"),
    path("tickets/<id:ticket_id>/reply-window/", tickets_api.TicketReplyWindowView.as_view(), name="ticket-reply-window"),
    path("tickets/<id:ticket_id>/events/", tickets_api.TicketEventsView.as_view(), name="ticket-events"),
    path("tickets/<id:ticket_id>/merge/", tickets_api.TicketMergeView.as_view(), name="ticket-merge"),
    path("tickets/<id:ticket_id>/links/", tickets_api.TicketLinkView.as_view(), name="ticket-links"),
    path("tickets/<id:ticket_id>/refer/", tickets_api.TicketReferView.as_view(), name="ticket-refer"),
    path("tickets/<id:ticket_id>/escalate/", routing_api.TicketEscalateView.as_view(), name="ticket-escalate"),
    path("tickets/<id:ticket_id>/consultations/", routing_api.TicketConsultationsView.as_view(), name="ticket-consultations"),
    path("consultations/<id:consultation_id>/answer/", routing_api.ConsultationAnswerView.as_view(),
         name="consultation-answer"),
    path("tags/", tickets_api.TagListView.as_view(), name="tags"),
    path("tags/<id:tag_id>/", tickets_api.TagDetailView.as_view(), name="tag"),
    path("tickets/<id:ticket_id>/copied/", tickets_copies_api.CopiedAgentListView.as_view(), name="ticket-copied"),
    path("tickets/<id:ticket_id>/copied/<id:copied_id>/confirm/", tickets_copies_api.CopiedAgentConfirmView.as_view(),
         name="ticket-copied-confirm"),
    path("tickets/<id:ticket_id>/copied/<id:copied_id>/dismiss/", tickets_copies_api.CopiedAgentDismissView.as_view(),
         name="ticket-copied-dismiss"),
    path("attachments/<str:public_id>/", tickets_api.AttachmentDownloadView.as_view(), name="attachment"),
    path("deliveries/<id:delivery_id>/retry/", tickets_api.DeliveryRetryView.as_view(), name="delivery-retry"),
    path("emails/<id:email_id>/retry/", mail_agents_api.EmailRetryView.as_view(), name="email-retry"),
    path("messages/<id:message_id>/original/", mail_agents_api.MessageOriginalView.as_view(), name="message-original"),
    path("customers/", customers_api.CustomerListView.as_view(), name="customers"),
    path("customers/<id:customer_id>/", customers_api.CustomerDetailView.as_view(), name="customer"),
    path("customers/<id:customer_id>/merge/", customer_merge_api.CustomerMergeView.as_view(), name="customer-merge"),
    path("customers/<id:customer_id>/export/", arco_api.CustomerExportView.as_view(), name="customer-export"),
    path("customers/<id:customer_id>/erase/", arco_api.CustomerEraseView.as_view(), name="customer-erase"),
    path("data-exports/<id:export_id>/", arco_api.DataExportView.as_view(), name="data-export"),
    path("data-exports/<id:export_id>/download/", arco_api.DataExportDownloadView.as_view(),
         name="data-export-download"),
    path("customer-merges/<id:merge_id>/", customer_merge_api.CustomerMergeDetailView.as_view(), name="customer-merge-detail"),
    path("customer-merges/<id:merge_id>/undo/", customer_merge_api.CustomerMergeUndoView.as_view(),
         name="customer-merge-undo"),
    path("organizations/", customers_api.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<id:organization_id>/", customers_api.OrganizationDetailView.as_view(), name="organization"),
    path("teams/", accounts_api.TeamListView.as_view(), name="teams"),
    path("triggers/", automation_api.TriggerListView.as_view(), name="triggers"),
    path("triggers/<id:rule_id>/", automation_api.TriggerDetailView.as_view(), name="trigger"),
    path("triggers/<id:rule_id>/dry-run/", automation_api.TriggerDryRunView.as_view(), name="trigger-dry-run"),
    path("time-rules/", automation_api.TimeRuleListView.as_view(), name="time-rules"),
    path("time-rules/<id:rule_id>/", automation_api.TimeRuleDetailView.as_view(), name="time-rule"),
    path("time-rules/<id:rule_id>/dry-run/", automation_api.TimeRuleDryRunView.as_view(), name="time-rule-dry-run"),
    path("teams/<id:team_id>/", accounts_api.TeamDetailView.as_view(), name="team"),
    path("agents/", accounts_api.AgentListView.as_view(), name="agents"),
    path("agents/<id:agent_id>/", accounts_api.AgentDetailView.as_view(), name="agent"),
    path("tickets/<id:ticket_id>/sla/", sla_policies_api.TicketSlaView.as_view(), name="ticket-sla"),
    path("sla-policies/", sla_policies_api.PolicyListView.as_view(), name="sla-policies"),
    path("sla-policies/<id:policy_id>/", sla_policies_api.PolicyDetailView.as_view(), name="sla-policy"),
    path("sla-policies/<id:policy_id>/preview/", sla_policies_api.PolicyPreviewView.as_view(), name="sla-policy-preview"),
    path("sla-attainment/", sla_policies_api.AttainmentView.as_view(), name="sla-attainment"),
    path("staffing/erlang-c/", reporting_api.ErlangCView.as_view(), name="staffing-erlang-c"),
    path("reports/summary/", reporting_api.ReportSummaryView.as_view(), name="reports-summary"),
    path("business-calendars/", sla_api.CalendarListView.as_view(), name="calendars"),
    path("business-calendars/<id:calendar_id>/", sla_api.CalendarDetailView.as_view(), name="calendar"),
    path("business-calendars/<id:calendar_id>/due/", sla_api.CalendarDueView.as_view(), name="calendar-due"),
    path("business-calendars/<id:calendar_id>/between/", sla_api.CalendarBetweenView.as_view(), name="calendar-between"),
    path("kb/articles/", kb_api.ArticleListView.as_view(), name="kb-articles"),
    path("kb/articles/<id:article_id>/", kb_api.ArticleDetailView.as_view(), name="kb-article"),
    path("kb/suggest/", kb_api.SuggestView.as_view(), name="kb-suggest"),
    path("kb/categories/", kb_api.CategoryListView.as_view(), name="kb-categories"),
    path("kb/categories/<id:category_id>/", kb_api.CategoryDetailView.as_view(), name="kb-category"),
    path("mail/inbound/", mail_api.InboundMailView.as_view(), name="mail-inbound"),
    path("channels/whatsapp/", whatsapp_api.NumberListView.as_view(), name="whatsapp-numbers"),
    path("channels/whatsapp/<id:number_id>/", whatsapp_api.NumberDetailView.as_view(), name="whatsapp-number"),
    path("channels/whatsapp/<id:number_id>/templates/", whatsapp_api.TemplateListView.as_view(),
         name="whatsapp-templates"),
    path("channels/whatsapp/<id:number_id>/templates/<id:template_id>/", whatsapp_api.TemplateDetailView.as_view(),
         name="whatsapp-template"),
    path("channels/whatsapp/<id:number_id>/webhook/", whatsapp_api.WebhookView.as_view(), name="whatsapp-webhook"),
    path("channels/telegram/", telegram_api.BotListView.as_view(), name="telegram-bots"),
    path("channels/telegram/<id:bot_id>/", telegram_api.BotDetailView.as_view(), name="telegram-bot"),
    path("channels/telegram/<id:bot_id>/webhook/", telegram_api.WebhookView.as_view(), name="telegram-webhook"),
    path("calls/", calls_api.CallListView.as_view(), name="calls"),
    path("calls/events/", calls_api.CallEventView.as_view(), name="call-events"),
    path("webhooks/", webhooks_api.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<id:webhook_id>/", webhooks_api.WebhookDetailView.as_view(), name="webhook"),
    path("webhooks/<id:webhook_id>/deliveries/", webhooks_api.DeliveryListView.as_view(), name="webhook-deliveries"),
    path("webhooks/<id:webhook_id>/deliveries/<uuid:delivery_uuid>/", webhooks_api.DeliveryDetailView.as_view(),
         name="webhook-delivery"),
    path("webhooks/<id:webhook_id>/deliveries/<uuid:delivery_uuid>/redeliver/",
         webhooks_api.DeliveryRedeliverView.as_view(), name="webhook-redeliver"),
    path("macros/", macros_api.MacroListView.as_view(), name="macros"),
    path("macros/<id:macro_id>/", macros_api.MacroDetailView.as_view(), name="macro"),
    path("macros/<id:macro_id>/preview/", macros_api.MacroPreviewView.as_view(), name="macro-preview"),
    path("macros/<id:macro_id>/apply/", macros_api.MacroApplyView.as_view(), name="macro-apply"),
    path("replies/check/", replycheck_api.ReplyCheckView.as_view(), name="reply-check"),
    path("products/", assets_api.ProductListView.as_view(), name="products"),
    path("products/<id:product_id>/", assets_api.ProductDetailView.as_view(), name="product"),
    path("assets/", assets_api.AssetListView.as_view(), name="assets"),
    path("assets/<id:asset_id>/", assets_api.AssetDetailView.as_view(), name="asset"),
    path("assets/<id:asset_id>/warranties/", assets_api.AssetWarrantiesView.as_view(), name="asset-warranties"),
    path("assets/<id:asset_id>/coverage/", assets_api.AssetCoverageView.as_view(), name="asset-coverage"),
    path("tickets/<id:ticket_id>/assets/", assets_api.TicketAssetsView.as_view(), name="ticket-assets"),
    path("tickets/<id:ticket_id>/assets/<id:asset_id>/", assets_api.TicketAssetDetailView.as_view(),
         name="ticket-asset"),
    path("tickets/<id:ticket_id>/credits/", credits_api.TicketCreditsView.as_view(), name="ticket-credits"),
    path("credits/", credits_api.CreditListView.as_view(), name="credits"),
    path("credits/<id:credit_id>/", credits_api.CreditDetailView.as_view(), name="credit"),
    path("credits/<id:credit_id>/approve/", credits_api.CreditApproveView.as_view(), name="credit-approve"),
    path("credits/<id:credit_id>/reject/", credits_api.CreditRejectView.as_view(), name="credit-reject"),
    path("credits/<id:credit_id>/use/", credits_api.CreditUseView.as_view(), name="credit-use"),
    path("rmas/", returns_api.RmaListView.as_view(), name="rmas"),
    path("rmas/<id:rma_id>/", returns_api.RmaDetailView.as_view(), name="rma"),
    path("rmas/<id:rma_id>/transition/", returns_api.RmaTransitionView.as_view(), name="rma-transition"),
    path("rmas/<id:rma_id>/quote/accept/", returns_api.RmaQuoteAcceptView.as_view(), name="rma-quote-accept"),
    path("rmas/<id:rma_id>/quote/decline/", returns_api.RmaQuoteDeclineView.as_view(), name="rma-quote-decline"),
    path("maintenance-plans/", maintenance_api.PlanListView.as_view(), name="maintenance-plans"),
    path("maintenance-plans/<id:plan_id>/", maintenance_api.PlanDetailView.as_view(), name="maintenance-plan"),
    path("maintenance-plans/<id:plan_id>/visits/", maintenance_api.PlanVisitsView.as_view(),
         name="maintenance-plan-visits"),
    path("appointment-types/", appointments_api.TypeListView.as_view(), name="appointment-types"),
    path("appointment-types/<id:type_id>/", appointments_api.TypeDetailView.as_view(), name="appointment-type"),
    path("appointment-types/<id:type_id>/slots/", appointments_api.TypeSlotsView.as_view(), name="appointment-type-slots"),
    path("appointments/", appointments_api.AppointmentListView.as_view(), name="appointments"),
    path("appointments/<id:appointment_id>/", appointments_api.AppointmentDetailView.as_view(), name="appointment"),
    path("appointments/<id:appointment_id>/cancel/", appointments_api.AppointmentCancelView.as_view(),
         name="appointment-cancel"),
    path("appointments/<id:appointment_id>/reschedule/", appointments_api.AppointmentRescheduleView.as_view(),
         name="appointment-reschedule"),
    path("appointments/<id:appointment_id>/no-show/", appointments_api.AppointmentNoShowView.as_view(),
         name="appointment-no-show"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("docs/", allow_inline_styles(SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[])), name="docs"),
]
