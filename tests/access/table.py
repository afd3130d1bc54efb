"""The access rules, written once as data: (actor, object, action) -> allowed.

Actors: anonymous, customer A, a colleague of A (same organization, not its admin), the
organization admin of A's organization, customer B (another organization), an agent of team 1,
an agent of team 2 only, a collaborator the ticket was referred to, a supervisor, an admin.
Objects belong to customer A: their ticket (team 1), a public message and an internal note on
it, an attachment on each, A's customer record, A's organization, and team 1; an SLA policy
and the SLA table; a failed email of A's ticket and the original of a message A sent by email;
a failed delivery of a reply on A's ticket; a connected WhatsApp number and its template; a
Telegram bot; a phone call logged on A's ticket, the caller-id notice of a call from A, and a call
back A asked for; a chat site answered by team 1, a chat waiting there and one held by the
team-1 agent. Knowledge base articles: a public one, one for customers signed in, one limited
to A's organization (with a file), an internal one and a draft; its categories; the authoring pages.
team-1 agent; a consultation on A's ticket asked of team 2.
team-1 agent; an outbound webhook subscription and one of its deliveries.
team-1 agent; a macro of team 1 and a personal macro of the team-1 agent.
Configuration pages in the workspace: a routing rule, team 1's routing, the team-1 agent's
capacity and skills, a skill; the macros and webhooks pages follow the macro and webhook rows.
Self-service: article suggestions, deflections, the articles offered on A's ticket, the report.
A trigger and a time rule. Staffing: the Erlang C calculator and the staffing page. Reports: the summary
API (JSON and CSV), the reports page and its drill-down to A's ticket.
Products and assets: a product A owns an asset of, A's asset (linked to A's ticket), an asset of
A's organization. Maintenance: a plan on A's asset (its visit's ticket is team 1's) and a plan of
A's organization.
The audit log (API, page and CSV).
Personal data (ARCO): a request about A, the portal's form, and A's data export and erasure.
Privacy: the published privacy notice (public) and its settings page with the retention rules and
their dry run (administrators).
Returns and repairs: an RMA on A's ticket for A's asset (covered), and a paid one with a quote.
Goodwill credits: a credit on A's ticket offered by the team-1 agent above their limit (pending),
one within it (approved), the ledger pages and its CSV export.
Appointments: a remote-session type given by team 1, and A's appointment on A's ticket with the
team-1 agent.
Satisfaction: a survey of A's ticket answered 1 of 5 with a comment, and its link; an NPS question
to A answered 2 of 10, and its link.
The reply checker: a draft checked on its own, checked against A's ticket (its last customer
message), and the checker's settings page; the team-1 agent's writing coaching figures.
Sign-in security: the team-1 agent's signed-in session, API token and second factor; the policy;
single sign-on with a provider that vouches for the actor's address.
message), and the checker's settings page.
Sign-in security: the team-1 agent's signed-in session, API token and second factor; the policy.
Notices: a draft notice to A's organization (its pages, test send and send), the notices box of
A's customer page, and the unsubscribe link of A.
"""

ACTORS = [
    "anonymous", "customer_a", "colleague_a", "org_admin_a", "customer_b",
    "agent_team1", "agent_team2", "collaborator", "supervisor", "admin",
]

_ = False
Y = True

# Columns follow ACTORS:
#                                     anon  custA coll  oadm  custB ag1   ag2   collab super admin
TABLE: dict[tuple[str, str], list[bool]] = {
    ("ticket", "view"):                 [_,    Y,    _,    Y,    _,    Y,    _,    Y,    Y,    Y],
    ("ticket", "update"):               [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("ticket", "reply"):                [_,    Y,    _,    Y,    _,    Y,    _,    _,    Y,    Y],
    ("ticket", "add_note"):             [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    ("ticket", "view_history"):         [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    ("message", "view"):                [_,    Y,    _,    Y,    _,    Y,    _,    Y,    Y,    Y],
    ("internal_note", "view"):          [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    ("attachment", "view"):             [_,    Y,    _,    Y,    _,    Y,    _,    Y,    Y,    Y],
    ("note_attachment", "view"):        [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    ("customer", "view"):               [_,    Y,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("customer", "update"):             [_,    Y,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("organization", "view"):           [_,    Y,    Y,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("organization", "update"):         [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("team", "view"):                   [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("team", "update"):                 [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # SLA: customers who see the ticket get its promise, never its clocks.
    ("ticket", "view_sla_clocks"):      [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    ("sla_policy", "view"):             [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("sla_policy", "update"):           [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("sla_attainment", "view"):         [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Staffing (the Erlang C calculator and the week's plan page): supervisors and admins.
    ("staffing", "view"):               [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Reports (the summary API, its CSV, the reports page and its drill-down): supervisors and admins.
    ("reports", "view"):                [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Email: a reply's failed email, and the original of a message received by email.
    ("email", "retry"):                 [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("email_original", "view"):         [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    # Channel port: retrying a reply's failed delivery (any channel) is the email retry's rule.
    ("delivery", "retry"):              [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    # Customer merges: a WhatsApp-only profile of A's organization into A (any staff agent); A's
    # colleague, who brings an email address and a login, into A (who signs in as whom: supervisors);
    # undoing a merge (administrators).
    ("customer", "merge"):              [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("customer", "merge_login"):        [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("customer_merge", "undo"):         [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Channels: a WhatsApp number's configuration (its secrets write as the company to every
    # customer, its team decides who sees the conversations): administrators only.
    ("whatsapp_number", "view"):        [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("whatsapp_number", "update"):      [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Its message templates (what the company may send outside the 24-hour window): the same.
    ("whatsapp_template", "view"):      [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("whatsapp_template", "update"):    [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Channel port: a ticket's reply window and the templates offered (agents who see the ticket).
    ("ticket", "reply_window"):         [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    # A Telegram bot's configuration (its token writes as the company): administrators only.
    ("telegram_bot", "view"):           [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("telegram_bot", "update"):         [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("telegram_bot", "delete"):         [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Its webhook takes updates from Telegram only (the secret token): nobody's session opens it.
    ("telegram_update", "post"):        [_,    _,    _,    _,    _,    _,    _,    _,    _,    _],
    # Phone: staff agents log calls (on no ticket: the call opens one) and list those on tickets
    # they see; every staff agent sees who is calling now (the notice lists only the open tickets
    # each may see); customers ask for a call back and see their own (an organization's admin,
    # their colleagues' too), never agents' call records or notices.
    ("call", "log"):                    [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("call", "view"):                   [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("caller_notice", "view"):          [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("callback", "request"):            [_,    Y,    Y,    Y,    Y,    _,    _,    _,    _,    _],
    ("callback", "view"):               [_,    Y,    _,    Y,    _,    _,    _,    _,    _,    _],
    # Automation: triggers and time rules act as the system on every ticket: administrators only.
    ("trigger", "view"):                [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("trigger", "update"):              [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("time_rule", "view"):              [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("time_rule", "update"):            [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Live chat. The queue shows a site's waiting chats to its team's agents (supervisors: all);
    # accepting is theirs too; transferring is for the agent holding the chat or a supervisor.
    # The visitor's conversation (HTTP and websocket) is reached by its token only: no signed-in
    # account, not even an administrator's, reads it with a cookie.
    ("chat_queue", "view"):             [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("chat_session", "accept"):         [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("chat_session", "transfer"):       [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("chat_session", "end"):            [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("chat_conversation", "view"):      [_,    _,    _,    _,    _,    _,    _,    _,    _,    _],
    ("chat_site", "view"):              [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Knowledge base (API, help center page, file). Customers signed in: any organization unless
    # the article lists some; collaborators are outsiders: public articles only. Staff see all.
    ("kb_article", "view"):             [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
    ("kb_customer_article", "view"):    [_,    Y,    Y,    Y,    Y,    Y,    Y,    _,    Y,    Y],
    ("kb_org_article", "view"):         [_,    Y,    Y,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_attachment", "view"):          [_,    Y,    Y,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_internal_article", "view"):    [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_draft", "view"):               [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_article", "update"):           [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_article", "vote"):             [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
    ("kb_org_article", "vote"):         [_,    Y,    Y,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_category", "update"):          [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Self-service: suggestions beside the portal's new-request form and "Sí, esto lo resolvió"
    # are the customers' (an article each may read); the articles offered on A's ticket's reply
    # are for staff agents who see the ticket (never the collaborator: they may be the
    # customer's own articles); the deflection report is the supervisors' and admins'.
    ("kb_org_article", "portal_suggest"): [_,  Y,    Y,    Y,    _,    _,    _,    _,    _,    _],
    ("kb_article", "deflect"):          [_,    Y,    Y,    Y,    Y,    _,    _,    _,    _,    _],
    ("kb_org_article", "deflect"):      [_,    Y,    Y,    Y,    _,    _,    _,    _,    _,    _],
    ("ticket", "suggest_articles"):     [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("selfservice_report", "view"):     [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Guided troubleshooting: customers walk published guides (and end them: solved, or a request
    # with the path); supervisors and admins author them.
    ("guide", "walk"):                  [_,    Y,    Y,    Y,    Y,    _,    _,    _,    _,    _],
    ("guide", "author"):                [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Search: /api/v1/kb/suggest/ finds exactly the articles each may read.
    ("kb_article", "suggest"):          [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
    ("kb_customer_article", "suggest"): [_,    Y,    Y,    Y,    Y,    Y,    Y,    _,    Y,    Y],
    ("kb_org_article", "suggest"):      [_,    Y,    Y,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_internal_article", "suggest"): [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("kb_draft", "suggest"):            [_,    _,    _,    _,    _,    _,    _,    _,    _,    _],
    # Ticket full-text search (/api/v1/tickets/?q=, the workspace search): A's ticket by a word of
    # its subject, and by a word only its internal note has (agents who see the ticket only).
    ("ticket", "search"):               [_,    Y,    _,    Y,    _,    Y,    _,    Y,    Y,    Y],
    ("internal_note", "search"):        [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    # Routing: escalating to the next tier and asking a consultation are for staff who may change
    # the ticket; its consultations are listed to them; a consultation asked of team 2 is answered
    # by team 2's agents (or a supervisor or admin), never by the asker's side.
    ("ticket", "escalate"):             [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("consultation", "open"):           [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("consultation", "view"):           [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("consultation", "answer"):         [_,    _,    _,    _,    _,    _,    Y,    _,    Y,    Y],
    # Outbound webhooks: a subscription sends tickets out of the building signed as the company,
    # and its delivery log holds their bodies: administrators only, "send again" too.
    ("webhook", "view"):                [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("webhook", "update"):              [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("webhook", "delete"):              [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("webhook_delivery", "view"):       [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("webhook_delivery", "redeliver"):  [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Macros: team 1's macro is used by team 1's agents (and supervisors, who manage team macros,
    # and admins); applying it to A's ticket is also the ticket's rule. Agent 1's personal macro
    # is theirs alone (and the admins', who see every macro).
    ("macro", "view"):                  [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("macro", "update"):                [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("macro", "apply"):                 [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("personal_macro", "view"):         [_,    _,    _,    _,    _,    Y,    _,    _,    _,    Y],
    ("personal_macro", "update"):       [_,    _,    _,    _,    _,    Y,    _,    _,    _,    Y],
    # Every agent who works tickets keeps personal macros (the macros page and its editor).
    ("personal_macro", "create"):       [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    # Routing's configuration pages (rules and their order, team modes and tiers, agents'
    # capacity and skill levels, skills): supervisors run teams, administrators everything.
    ("routing_rule", "view"):           [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("routing_rule", "update"):         [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("team_routing", "update"):         [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("agent_routing", "update"):        [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("skill", "update"):                [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Products and assets: staff agents see them all; a customer their own assets (an organization's
    # admin, the organization's and its people's too) and the products of those; collaborators
    # none. Agents register assets, add warranties and link them to tickets they may change; the
    # catalogue is for supervisors and admins; deleting an asset for admins. A ticket's linked
    # assets show to whoever sees both the ticket and the asset.
    ("product", "view"):                [_,    Y,    _,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("product", "update"):              [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("asset", "view"):                  [_,    Y,    _,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("audit_log", "view"):              [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Personal data (ARCO): a customer asks for themselves in the portal; supervisors and admins see
    # every request (the workspace page), record one for a customer and move it along; exporting
    # and erasing a customer's data is for admins (API and page), the ZIP behind a signed link.
    ("arco_request", "view"):           [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("arco_request", "create"):         [_,    Y,    Y,    Y,    Y,    _,    _,    _,    Y,    Y],
    ("arco_request", "update"):         [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("personal_data", "export"):        [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("personal_data", "erase"):         [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Privacy: the notice is public by law; publishing it and the retention rules are the admin's.
    ("privacy_notice", "view"):         [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
    ("privacy_settings", "update"):     [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("org_asset", "view"):              [_,    _,    _,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("asset", "update"):                [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("asset", "delete"):                [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("asset", "add_warranty"):          [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("asset", "link"):                  [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("ticket", "view_assets"):          [_,    Y,    _,    Y,    _,    Y,    _,    _,    Y,    Y],
    # Returns and repairs (RMA): part of their ticket. Whoever sees the ticket sees its RMAs, except
    # collaborators (they do not see the customer's products either); staff agents who may change
    # the ticket open and move them; the customer (the requester, or their organization's admin)
    # answers a quote, never an agent for them.
    ("rma", "view"):                    [_,    Y,    _,    Y,    _,    Y,    _,    _,    Y,    Y],
    ("rma", "open"):                    [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("rma", "transition"):              [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("rma", "decide_quote"):            [_,    Y,    _,    Y,    _,    _,    _,    _,    _,    _],
    # Goodwill credits (decision 0045): part of their ticket, for staff only. Staff agents who see
    # the ticket offer amends and see them (customers are told on the ticket once approved, and
    # may not offer: 403); supervisors and admins approve or reject (never their own request) and,
    # as finance, mark them used and export the ledger.
    ("credit", "offer"):                [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("credit", "view"):                 [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("credit", "approve"):              [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("credit", "reject"):               [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("credit", "mark_used"):            [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("credit_ledger", "export"):        [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # Maintenance plans: seen as the asset they visit is seen (an organization's own plans: by its
    # admin); staff agents create and change them; a visit's checklist is ticked by whoever may
    # change its ticket (team 1's).
    ("maintenance_plan", "view"):       [_,    Y,    _,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("org_maintenance_plan", "view"):   [_,    _,    _,    Y,    _,    Y,    Y,    _,    Y,    Y],
    ("maintenance_plan", "update"):     [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("maintenance_visit", "tick"):      [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    # Appointments (decision 0035): every customer sees the active types (to book them), staff
    # agents all; supervisors and admins change them. An appointment shows like its ticket (and to
    # the agent who gives it); collaborators see none. Its customer (their organization's admin too)
    # and agents who may change the ticket cancel it or book on the ticket; no-shows are for agents.
    ("appointment_type", "view"):       [_,    Y,    Y,    Y,    Y,    Y,    Y,    _,    Y,    Y],
    ("appointment_type", "update"):     [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("appointment", "view"):            [_,    Y,    _,    Y,    _,    Y,    _,    _,    Y,    Y],
    ("appointment", "cancel"):          [_,    Y,    _,    Y,    _,    Y,    _,    _,    Y,    Y],
    ("appointment", "no_show"):         [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("ticket", "book_appointment"):     [_,    Y,    _,    Y,    _,    Y,    _,    _,    Y,    Y],
    # Outcomes and satisfaction: the ticket's satisfaction answer shows to agents who see the
    # ticket (customers get null, as the SLA clocks); the outcome box on the ticket page to staff
    # agents who see it, solving there to those who may change it; "needs follow-up" (bad
    # ratings) to supervisors and admins. The survey link is the key: whoever holds it answers
    # (it names one survey and expires).
    ("ticket", "view_satisfaction"):    [_,    _,    _,    _,    _,    Y,    _,    Y,    Y,    Y],
    ("ticket", "view_outcome"):         [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("ticket", "solve_with_outcome"):   [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("survey_follow_up", "view"):       [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("survey", "answer"):               [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
    # NPS (decision 0044): the link is the key, as the CSAT survey's; the score over time is on the
    # "needs follow-up" page (supervisors and admins), whose answers' reasons stay there.
    ("survey_nps", "answer"):           [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
    ("survey_nps_score", "view"):       [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    # The reply checker: people who write to customers check their drafts (the API); against a
    # ticket (the API with `ticket`, the composer's panel) only those who may reply on it. Its
    # settings (confirmations, technical customers, glossaries) are the administrators'.
    ("reply_check", "use"):             [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("ticket", "check_reply"):          [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    ("reply_checker", "update"):        [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Writing coaching: the team-1 agent's sent replies and their findings, seen by that agent and
    # by supervisors and administrators — not by a colleague on another team.
    ("reply_coaching", "view"):         [_,    _,    _,    _,    _,    Y,    _,    _,    Y,    Y],
    # Sign-in security (decision 0040): every agent's own pages (two-step verification, sessions,
    # API tokens, password); the team-1 agent's signed-in session and API token are ended by
    # them alone (not even an admin, who resets a second factor instead); which roles must use
    # two-step verification, and resetting someone's, are for administrators.
    ("account_security", "view"):       [_,    _,    _,    _,    _,    Y,    Y,    Y,    Y,    Y],
    ("login_session", "revoke"):        [_,    _,    _,    _,    _,    Y,    _,    _,    _,    _],
    ("api_token", "revoke"):            [_,    _,    _,    _,    _,    Y,    _,    _,    _,    _],
    ("two_factor", "reset"):            [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    ("two_factor_policy", "update"):    [_,    _,    _,    _,    _,    _,    _,    _,    _,    Y],
    # Single sign-on (decision 0049): the provider vouches for the actor's address; staff of every
    # role are signed in, customers (and an address nobody has) are not: the portal keeps its own.
    ("single_sign_on", "sign_in"):      [_,    _,    _,    _,    _,    Y,    Y,    Y,    Y,    Y],
    # Notices to many customers (decision 0046): supervisors and admins write, test and send them;
    # what a customer was sent shows on their page to staff agents who see the customer; the
    # unsubscribe link is the key (whoever holds it unsubscribes the customer it names).
    ("notice", "view"):                 [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("notice", "send"):                 [_,    _,    _,    _,    _,    _,    _,    _,    Y,    Y],
    ("customer", "view_notices"):       [_,    _,    _,    _,    _,    Y,    Y,    _,    Y,    Y],
    ("notice", "unsubscribe"):          [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y],
}

CELLS = [
    (actor, obj, action, allowed[i])
    for (obj, action), allowed in TABLE.items()
    for i, actor in enumerate(ACTORS)
]
