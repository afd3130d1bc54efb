"""Each finding in both languages, with the traps that must stay quiet. The rules are pure: no
database. Texts are written as agents write them: a greeting, the body, a closing."""

from __future__ import annotations

import pytest

from atiende.replycheck import rules, starter
from atiende.replycheck.rules import Draft, check

JARGON = {"es": rules.parse_glossary(starter.JARGON_ES), "en": rules.parse_glossary(starter.JARGON_EN)}
OPEN = {"es": "Hola, Rosa:\n\n", "en": "Hi Rosa,\n\n"}
CLOSE = {"es": "\n\nSaludos,\nCarlos", "en": "\n\nBest regards,\nCarlos"}


def run(language: str, body: str, *, framed: bool = True, **extra) -> list[rules.Finding]:
    text = OPEN[language] + body + CLOSE[language] if framed else body
    extra.setdefault("jargon", JARGON[language])
    extra.setdefault("agent_name", "Carlos Ruiz")
    extra.setdefault("customer_name", "Rosa María Hernández Vega")
    return check(Draft(text=text, language=language, **extra))


def codes(findings: list[rules.Finding]) -> list[str]:
    return [f.code for f in findings]


def quoted(findings: list[rules.Finding], text: str, code: str) -> list[str]:
    return [text[f.start:f.end] for f in findings if f.code == code]


# --- spelling -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "body", "word", "fix"), [
    ("es", "Ya revisamos la configuracion y todo funciona.", "configuracion", "configuración"),
    ("es", "Hemos recivido tu pago; ya puedes entrar al panel.", "recivido", "recibido"),
    ("es", "Instalamos el sertificado y ya puedes entrar.", "sertificado", "certificado"),
    ("es", "Tambien cambiamos la contraseña; ya puedes entrar.", "Tambien", "También"),
    ("en", "We have recieved your payment, you can sign in now.", "recieved", "received"),
    ("en", "Your plan is definately active; you can sign in now.", "definately", "definitely"),
])
def test_misspellings_are_found_with_a_suggestion(language, body, word, fix):
    findings = run(language, body)
    text = OPEN[language] + body + CLOSE[language]
    assert codes(findings) == ["spelling"]
    assert quoted(findings, text, "spelling") == [word]
    assert findings[0].suggestions[0] == fix
    assert findings[0].message == f"“{word}” looks misspelled."


@pytest.mark.parametrize(("language", "body"), [
    # names, brands, places, domains, addresses, code and numbers
    ("es", "Xóchitl, de Facturación en Monterrey, ya puede entrar a tiendarosa.com.mx y a rosa@floreria.mx."),
    ("es", "Ejecuta `dig MX floreriarosa.mx` y revisa /var/www/html; el puerto 587 ya puede usarse."),
    ("es", "Ya conectamos WooCommerce, cPanel y GoDaddy; el cobro de Banorte ya puede verse."),
    # Mexican usage
    ("es", "Ahorita ya puedes checar tu correo desde el celular o la computadora."),
    ("es", "Ya lo checamos y ya puedes platicar con tu equipo por el chat."),
    # inflections and clitics
    ("es", "Revísalo y envíanoslo; agradezco que nos escribas, ya puedes reiniciarlo."),
    ("en", "Xóchitl in Monterrey can now sign in at tiendarosa.com.mx with rosa@floreria.mx."),
    ("en", "Run `dig MX floreriarosa.mx`, then you can use port 587 with WooCommerce."),
])
def test_names_domains_code_and_mexican_usage_are_not_misspellings(language, body):
    assert "spelling" not in codes(run(language, body))


def test_the_company_glossary_is_not_misspelled():
    body = "Tu plan hosteamax ya quedó activo."
    assert codes(run("es", body)) == ["spelling"]
    assert codes(run("es", body, company_terms=["Hosteamax"])) == []


# --- all_caps -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "body", "shout", "fix"), [
    ("es", "Por favor NO COMPARTAS TU CONTRASEÑA con nadie. Te llamo hoy a las 16:00.", "NO COMPARTAS TU CONTRASEÑA",
     "no compartas tu contraseña"),
    ("en", "PLEASE DO NOT SHARE YOUR PASSWORD. I will call you today at 4 p.m.", "PLEASE DO NOT SHARE YOUR PASSWORD",
     "Please do not share your password"),
])
def test_runs_of_capitals_are_shouting(language, body, shout, fix):
    findings = run(language, body)
    text = OPEN[language] + body + CLOSE[language]
    assert codes(findings) == ["all_caps"]
    assert quoted(findings, text, "all_caps") == [shout]
    assert findings[0].suggestions == [fix]


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Te adjunto el PDF con el IVA y el XML del CFDI; pagaste en OXXO y tu RFC ante el SAT ya aparece."),
    ("es", "Los DNS y el SSL ya quedaron; revisa el registro MX y el SPF."),
    ("es", "NO compartas tu contraseña con nadie; ya puedes entrar."),  # one short word: emphasis
    ("en", "I attached the PDF; the DNS, SSL and MX settings are done and OXXO shows the payment."),
])
def test_acronyms_and_brands_are_not_shouting(language, body):
    assert "all_caps" not in codes(run(language, body, attachments=1, technical=True))


# --- jargon -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "body", "term", "plain"), [
    ("es", "Cambiamos los nameservers; mañana a las 10:00 te confirmo.", "nameservers",
     "los servidores que indican dónde está tu sitio"),
    ("en", "We changed the DNS records; I will confirm tomorrow at 10 a.m.", "DNS records", "your domain's settings"),
])
def test_jargon_for_customers_who_are_not_technical(language, body, term, plain):
    findings = run(language, body)
    text = OPEN[language] + body + CLOSE[language]
    assert codes(findings) == ["jargon"]
    assert quoted(findings, text, "jargon") == [term]
    assert findings[0].suggestions == [plain]
    assert codes(run(language, body, technical=True)) == []


# --- hard_to_read -------------------------------------------------------------------------------

LONG_ES = ("Revisamos tu sitio y vimos que el problema viene de una extensión que se actualizó sola anoche y que "
           "dejó de funcionar con la versión del tema que usas, así que la desactivamos, borramos la copia guardada "
           "de las páginas, probamos el carrito con una compra de prueba y ahora todo funciona como antes.")
LONG_EN = ("We checked your site and saw that the problem came from an extension that updated itself last night and "
           "stopped working with the version of the theme you use, so we turned it off, cleared the saved copy of "
           "the pages, tried the cart with a test order and now everything works as before.")
DENSE_ES = ("Derivado de la verificación efectuada sobre la infraestructura correspondiente, se determinó que la "
            "imposibilidad de comunicación obedece a parámetros de autenticación especificados incorrectamente. "
            "Consecuentemente, deberá habilitarse el protocolo de cifrado obligatorio conforme a la documentación "
            "proporcionada anteriormente por nuestro departamento especializado.")
DENSE_EN = ("Subsequent to a comprehensive examination of the corresponding infrastructure, it was determined that the "
            "communication impossibility originates from incorrectly specified authentication parameters. "
            "Consequently, the obligatory encryption protocol must be enabled in accordance with the documentation "
            "previously provided by our specialized department.")


@pytest.mark.parametrize(("language", "body", "count"), [("es", LONG_ES, 54), ("en", LONG_EN, 54)])
def test_a_sentence_far_too_long_is_hard_to_read(language, body, count):
    findings = run(language, body)
    assert codes(findings) == ["hard_to_read"]
    limit = rules.LONG_SENTENCE[language]
    assert findings[0].message == (f"This sentence has {count} words. Split it: sentences under {limit} words "
                                   "read easily.")


@pytest.mark.parametrize(("language", "body"), [("es", DENSE_ES), ("en", DENSE_EN)])
def test_a_dense_reply_scores_hard_to_read(language, body):
    score = rules.readability(body, language)
    assert score is not None and score < rules.HARD_SCORE[language]
    findings = [f for f in run(language, body) if f.code == "hard_to_read"]
    assert [(f.start, f.end) for f in findings] == [(0, len(OPEN[language] + body + CLOSE[language]))]


def test_readability_of_plain_replies_is_fine_and_short_ones_are_not_scored():
    plain_es = ("Ya quedó tu correo. Puedes entrar desde el celular. Si no ves tus mensajes, cierra la app y ábrela "
                "de nuevo. Si sigue igual, respóndeme y te llamo. Hoy estoy hasta las seis. Gracias por tu paciencia, "
                "Rosa. Que tengas buen día.")
    assert rules.readability(plain_es, "es") > 60
    assert rules.readability("Ya quedó.", "es") is None


# --- greeting and closing -----------------------------------------------------------------------

@pytest.mark.parametrize(("language", "text", "fix"), [
    ("es", "Ya quedó tu correo.\n\nSaludos,\nCarlos", "Hola, Rosa:"),
    ("en", "Your mailbox works again.\n\nBest regards,\nCarlos", "Hi Rosa,"),
])
def test_no_greeting(language, text, fix):
    findings = run(language, text, framed=False)
    assert codes(findings) == ["no_greeting"]
    assert findings[0].suggestions == [fix]  # the name the customer goes by, not the legal name


@pytest.mark.parametrize(("language", "text", "fix"), [
    ("es", "Hola, Rosa:\n\nYa quedó tu correo.", "Saludos,\nCarlos Ruiz"),
    ("en", "Hi Rosa,\n\nYour mailbox works again.", "Best regards,\nCarlos Ruiz"),
])
def test_no_closing(language, text, fix):
    findings = run(language, text, framed=False)
    assert codes(findings) == ["no_closing"]
    assert findings[0].suggestions == [fix]


@pytest.mark.parametrize(("language", "text"), [
    ("es", "Buenas tardes, Rosa:\n\nYa quedó tu correo.\n\nQuedo a tus órdenes."),
    ("es", "Estimada Rosa:\n\nYa quedó tu correo.\n\nCarlos Ruiz\nEquipo de Soporte"),
    ("es", "Buen día:\n\nYa quedó tu correo.\n\n¡Hasta pronto!"),
    ("en", "Dear Rosa,\n\nYour mailbox works again.\n\nThanks,\nCarlos"),
    ("en", "Good morning Rosa,\n\nYour mailbox works again.\n\nCarlos Ruiz\nSupport"),
])
def test_greetings_and_closings_in_their_usual_forms(language, text):
    assert codes(run(language, text, framed=False)) == []


# --- vague_time ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "phrase"), [
    ("es", "pronto"), ("es", "en breve"), ("es", "a la brevedad"), ("es", "lo antes posible"), ("es", "próximamente"),
    ("en", "as soon as possible"), ("en", "soon"), ("en", "shortly"), ("en", "ASAP"),
])
def test_a_promise_with_no_time(language, phrase):
    body = (f"Te escribimos {phrase} con la respuesta." if language == "es"
            else f"We will write to you {phrase} with the answer.")
    findings = run(language, body)
    text = OPEN[language] + body + CLOSE[language]
    assert codes(findings) == ["vague_time"]
    assert quoted(findings, text, "vague_time") == [phrase]
    assert findings[0].suggestions == list(rules.phrases.VAGUE_FIX[language])


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Te escribimos en breve, hoy antes de las 15:00."),
    ("es", "Ahorita lo reviso y te llamo mañana a las 10:00."),
    ("en", "We will write shortly, today by 3 p.m."),
    ("en", "Glad it works now! See you soon."),
])
def test_a_dated_promise_or_a_farewell_is_not_vague(language, body):
    assert codes(run(language, body)) == []


# --- missing_attachment -------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "body", "phrase"), [
    ("es", "Te adjunto la guía; síguela y me cuentas.", "Te adjunto"),
    ("es", "Va adjunta la factura de noviembre. Si necesitas otra, dime el mes.", "Va adjunta"),
    ("en", "Please find attached the guide; let me know how it goes.", "Please find attached"),
    ("en", "I've attached the invoice. Let me know if you need another month.", "I've attached"),
])
def test_says_it_attaches_and_attaches_nothing(language, body, phrase):
    findings = run(language, body)
    text = OPEN[language] + body + CLOSE[language]
    assert codes(findings) == ["missing_attachment"]
    assert quoted(findings, text, "missing_attachment") == [phrase]
    assert codes(run(language, body, attachments=1)) == []


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Por favor adjunta una captura de la pantalla en tu respuesta."),
    ("en", "Please attach a screenshot of the error to your reply."),
])
def test_asking_the_customer_to_attach_is_not_a_missing_attachment(language, body):
    assert codes(run(language, body)) == []


# --- unanswered_question ------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "customer", "body", "question"), [
    ("es", "¿Ya se renovó mi dominio? ¿Cuánto cuesta otra cuenta de correo?",
     "Ya renovamos tu dominio por un año; puedes verlo en tu panel.", "¿Cuánto cuesta otra cuenta de correo?"),
    ("en", "Is my domain renewed? How much does an extra mailbox cost?",
     "Your domain is renewed for another year; you can see it in your panel.", "How much does an extra mailbox cost?"),
])
def test_a_question_the_reply_does_not_address(language, customer, body, question):
    findings = run(language, body, customer_message=customer)
    assert codes(findings) == ["unanswered_question"]
    assert question in findings[0].message
    answer = body + (" Otra cuenta de correo cuesta $99 al mes." if language == "es"
                     else " An extra mailbox costs $5 a month.")
    assert codes(run(language, answer, customer_message=customer)) == []


def test_a_message_without_questions_asks_nothing():
    assert codes(run("es", "Ya quedó tu correo.", customer_message="No me llegan los correos desde ayer.")) == []


# --- no_next_step -------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "body"), [
    ("es", "Recibimos tu mensaje sobre el error en tu página."),
    ("en", "We received your message about the error on your website."),
])
def test_no_next_step(language, body):
    findings = run(language, body)
    assert codes(findings) == ["no_next_step"]
    assert findings[0].message == "Say what happens next or what the customer should do, or that it is solved."


@pytest.mark.parametrize(("language", "body"), [
    ("es", "¡Qué gusto que ya funcione!"),
    ("es", "Listo, ya puedes entrar a tu panel."),
    ("es", "Revisa tu bandeja de entrada y dime si ya llegó el mensaje"),
    ("es", "Mañana a las 10:00 te llamamos para terminar la configuración."),
    ("en", "Glad it works now!"),
    ("en", "Please restart the app and tell me what you see"),
])
def test_good_news_an_instruction_or_our_next_action_is_a_next_step(language, body):
    assert codes(run(language, body)) == []


# --- the whole checker ---------------------------------------------------------------------------

def test_te_avisamos_pronto():
    text = "TE AVISAMOS PRONTO"
    findings = check(Draft(text=text, language="es"))
    assert codes(findings) == ["all_caps", "no_greeting", "no_closing", "vague_time"]
    assert [text[f.start:f.end] for f in findings if f.code in ("all_caps", "vague_time")] == [text, "PRONTO"]
    fixed = "Hola, Rosa:\n\nTe avisamos hoy antes de las 18:00.\n\nSaludos,\nCarlos"
    assert check(Draft(text=fixed, language="es")) == []


def test_findings_are_plain_data_in_text_order():
    findings = run("es", "Te adjunto la configuracion lo antes posible.")
    assert [f.as_dict()["code"] for f in findings] == ["missing_attachment", "spelling", "vague_time"]
    assert set(findings[0].as_dict()) == {"code", "message", "start", "end", "suggestions"}


def test_empty_text_has_no_findings_and_an_unknown_language_is_refused():
    assert check(Draft(text="  \n", language="es")) == []
    with pytest.raises(ValueError):
        check(Draft(text="Hola", language="fr"))
