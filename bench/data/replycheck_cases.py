"""The reply checker's evaluation set: replies agents of a Mexican hosting, domains and email
company would write, in es-MX and English, each with the findings it must get (`expect`) —
none for a clean reply. Written for the checker, not taken from it: seeded problems, clean
replies and traps (acronyms and brands are not shouting, names and domains are not misspellings,
good news needs no next step, Mexican usage such as "checar" and "ahorita")."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    name: str
    language: str
    text: str
    expect: frozenset[str] = frozenset()
    customer: str = ""  # what the customer wrote last
    attachments: int = 0
    technical: bool = False
    customer_name: str = "Rosa María Hernández Vega"
    agent_name: str = "Carlos Ruiz"
    names: tuple[str, ...] = field(default=())


def c(name, language, text, expect=(), **kwargs) -> Case:
    return Case(name, language, text.strip("\n"), frozenset(expect), **kwargs)


CASES = [
    # --- Spanish, clean (traps included) ---
    c("es-clean-dns-done", "es", """
Hola, Rosa:

Ya quedó configurado el correo de contacto@floreriarosa.mx. Cambiamos los registros en el panel y
ahora los mensajes llegan a tu bandeja. Puedes checar desde tu celular o desde la computadora.

Saludos,
Carlos
""", customer="Hola, no me llegan los correos a contacto@floreriarosa.mx desde ayer. ¿Me pueden ayudar?"),
    c("es-clean-good-news", "es", """
Hola, Rosa:

¡Qué gusto que ya funcione!

Saludos,
Carlos
"""),
    c("es-clean-acronyms", "es", """
Hola, Rosa:

Te adjunto la factura en PDF con el IVA desglosado y el XML del CFDI. Si pagaste en OXXO, el pago
se refleja en un máximo de 24 horas; por SPEI es inmediato. Tu RFC ya aparece en los datos fiscales.

Quedo a tus órdenes,
Carlos
""", attachments=2, customer="¿Me pueden mandar la factura con mi RFC? Pagué en OXXO."),
    c("es-clean-ahorita", "es", """
Buenas tardes, Rosa:

Ahorita mismo estoy revisando tu sitio tiendarosa.com.mx. Te escribo hoy antes de las 17:00 con lo que
encuentre. Mientras, no hace falta que reinicies nada.

Saludos,
Carlos
""", customer="Mi página tiendarosa.com.mx no abre, sale un error 500."),
    c("es-clean-steps", "es", """
Hola, Rosa:

Para cambiar la contraseña de tu correo sigue estos pasos:
1. Entra a webmail.floreriarosa.mx con tu usuario.
2. Da clic en Configuración y luego en Contraseña.
3. Escribe la nueva contraseña dos veces y guarda.

Si algo no sale como esperas, respóndeme aquí y lo vemos juntos.

Saludos,
Carlos Ruiz
Soporte de Hostea
""", names=("Hostea",), customer="¿Cómo cambio la contraseña de mi correo?"),
    c("es-clean-technical", "es", """
Hola, Rosa:

El registro MX apuntaba a un servidor anterior y el TTL era de 24 horas. Ya lo corregimos; la
propagación puede tardar hasta 4 horas. Mañana a las 10:00 reviso que todo siga bien y te confirmo.

Saludos,
Carlos
""", technical=True, customer="¿Por qué rebotan los correos enviados a nuestro dominio?"),
    c("es-clean-renewal", "es", """
Estimada Rosa:

Renovamos tu dominio floreriarosa.mx por un año más; vence el 12 de marzo de 2027. El cargo de
$349.00 MXN ya aparece en tu cuenta.

Que tengas excelente día,
Carlos
""", customer="¿Ya se renovó mi dominio? ¿Cuándo vence?"),
    c("es-clean-question-back", "es", """
Hola, Rosa:

Gracias por escribirnos. Para revisar tu caso necesito saber desde qué programa envías los correos:
¿usas Outlook, Gmail o el webmail de Hostea?

Quedo atento,
Carlos
""", names=("Hostea",), customer="Mis correos se quedan en la bandeja de salida."),
    c("es-clean-short-chat", "es", """
Hola, Rosa:

Listo, ya puedes entrar a tu panel con la nueva contraseña.

Saludos,
Carlos
"""),
    c("es-clean-names", "es", """
Hola, Guadalupe:

Xóchitl, del equipo de Facturación, ya tiene tu solicitud y te manda la nota de crédito mañana a las
12:00. Tu cuenta en Monterrey sigue activa sin cambios.

Saludos,
Carlos
""", customer_name="Guadalupe Itzel Tzompantzi", customer="Necesito una nota de crédito."),
    c("es-clean-wordpress", "es", """
Hola, Rosa:

Actualizamos WordPress y el plugin de WooCommerce de tu tienda, y vaciamos la caché. Revisa por favor
si el carrito ya funciona y cuéntame.

Saludos,
Carlos
""", technical=True, customer="El carrito de mi tienda no agrega productos."),
    # --- Spanish, seeded problems ---
    c("es-shout-vague", "es", "TE AVISAMOS PRONTO", {"all_caps", "vague_time", "no_greeting", "no_closing"}),
    c("es-shout-mid", "es", """
Hola, Rosa:

Por favor NO COMPARTAS TU CONTRASEÑA con nadie. Te llamo hoy a las 16:00 para confirmar el cambio.

Saludos,
Carlos
""", {"all_caps"}),
    c("es-spelling", "es", """
Hola, Rosa:

Ya revisamos la configuracion de tu correo y tambien el sertificado de seguridad. Todo quedó
funcionando; ya puedes enviar mensajes sin problema.

Saludos,
Carlos
""", {"spelling"}),
    c("es-spelling-typo", "es", """
Hola, Rosa:

Hemos recivido tu pago y el servicio quedó activo. Si tienes alguna duda, escríbenos.

Saludos,
Carlos
""", {"spelling"}),
    c("es-vague-breve", "es", """
Hola, Rosa:

Estamos revisando el problema con tu sitio y en breve te damos una respuesta.

Saludos,
Carlos
""", {"vague_time"}),
    c("es-vague-brevedad", "es", """
Hola, Rosa:

Tu solicitud ya está con el área técnica y la atenderán a la brevedad.

Saludos,
Carlos
""", {"vague_time"}),
    c("es-vague-posible", "es", """
Hola, Rosa:

Vamos a migrar tu sitio al nuevo servidor lo antes posible.

Saludos,
Carlos
""", {"vague_time"}),
    c("es-attachment", "es", """
Hola, Rosa:

Te adjunto la guía para configurar tu correo en el celular. Cualquier duda, respóndeme aquí.

Saludos,
Carlos
""", {"missing_attachment"}),
    c("es-attachment-va", "es", """
Hola, Rosa:

Va adjunta la factura de noviembre. Si necesitas otra, dime el mes.

Saludos,
Carlos
""", {"missing_attachment"}),
    c("es-no-greeting", "es", """
Ya quedó restablecido tu acceso al panel. Puedes entrar con tu correo y la contraseña de siempre.

Saludos,
Carlos
""", {"no_greeting"}),
    c("es-no-closing", "es", """
Hola, Rosa:

Ya quedó restablecido tu acceso al panel. Puedes entrar con tu correo y la contraseña de siempre.
""", {"no_closing"}),
    c("es-jargon", "es", """
Hola, Rosa:

Cambiamos los nameservers y el registro MX de tu dominio. La propagación tarda hasta 4 horas; mañana
a las 10:00 te confirmo que todo esté bien.

Saludos,
Carlos
""", {"jargon"}),
    c("es-jargon-ssl", "es", """
Hola, Rosa:

Instalamos el SSL en tu sitio. Ya puedes entrar con https sin que aparezca el aviso.

Saludos,
Carlos
""", {"jargon"}),
    c("es-unanswered", "es", """
Hola, Rosa:

Ya renovamos tu dominio floreriarosa.mx por un año más; puedes verlo en tu panel.

Saludos,
Carlos
""", {"unanswered_question"},
      customer="Hola. ¿Ya se renovó mi dominio? Y otra cosa: ¿cuánto cuesta agregar otra cuenta de correo?"),
    c("es-no-next-step", "es", """
Hola, Rosa:

Recibimos tu mensaje sobre el error en tu página.

Saludos,
Carlos
""", {"no_next_step"}),
    c("es-no-next-step-2", "es", """
Hola, Rosa:

Entiendo que tu tienda no está cargando desde la mañana y que eso afecta tus ventas.

Saludos,
Carlos
""", {"no_next_step"}),
    c("es-hard", "es", """
Hola, Rosa:

Derivado de la verificación efectuada sobre la infraestructura correspondiente a su suscripción, se
determinó que la imposibilidad de establecer comunicación con el servidor de correo electrónico
obedece a una configuración incorrecta de los parámetros de autenticación especificados en el
programa cliente, particularmente en lo concerniente a la utilización del protocolo de cifrado
obligatorio, el cual deberá habilitarse conforme a la documentación proporcionada anteriormente por
nuestro departamento de atención especializada, situación que permitirá restablecer la operación.

Saludos,
Carlos
""", {"hard_to_read"}),
    # --- English, clean ---
    c("en-clean-done", "en", """
Hi Rosa,

Your mailbox at contacto@floreriarosa.mx is working again. We fixed the settings in your control
panel, and new messages now reach your inbox.

Best regards,
Carlos
""", customer="Hi, my email stopped receiving messages yesterday. Can you help?"),
    c("en-clean-good-news", "en", """
Hi Rosa,

Great news, glad it works now!

Cheers,
Carlos
"""),
    c("en-clean-acronyms", "en", """
Hello Rosa,

I've attached your invoice as a PDF, with VAT shown on its own line. Payments made at OXXO show up
within 24 hours.

Kind regards,
Carlos
""", attachments=1, customer="Could you send me the invoice? I paid at OXXO."),
    c("en-clean-steps", "en", """
Hi Rosa,

To reset your email password:
1. Go to webmail.floreriarosa.mx and sign in.
2. Click Settings, then Password.
3. Type the new password twice and save.

If anything looks different, reply here and we'll go through it together.

Best,
Carlos
""", customer="How do I change my email password?"),
    c("en-clean-dated", "en", """
Hi Rosa,

We are moving your site to the new server tonight. I will write to you tomorrow by 10 a.m. to confirm
everything works.

Thanks,
Carlos
""", customer="When will my site be moved?"),
    c("en-clean-question", "en", """
Dear Rosa,

Thanks for getting in touch. Which program do you use to send email: Outlook, Gmail or our webmail?
With that I can tell you exactly what to change.

Regards,
Carlos
""", customer="My messages stay in the outbox."),
    # --- English, seeded problems ---
    c("en-shout", "en", """
Hi Rosa,

PLEASE DO NOT SHARE YOUR PASSWORD with anyone. I will call you today at 4 p.m.

Best regards,
Carlos
""", {"all_caps"}),
    c("en-vague", "en", """
Hi Rosa,

We are looking into it and will get back to you as soon as possible.

Best regards,
Carlos
""", {"vague_time"}),
    c("en-vague-shortly", "en", """
Hi Rosa,

Our team has your request and will update you shortly.

Best regards,
Carlos
""", {"vague_time"}),
    c("en-spelling", "en", """
Hi Rosa,

We have recieved your payment and your plan is definately active now. You can sign in as usual.

Best regards,
Carlos
""", {"spelling"}),
    c("en-attachment", "en", """
Hi Rosa,

Please find attached the setup guide for your phone. Let me know if any step is unclear.

Best regards,
Carlos
""", {"missing_attachment"}),
    c("en-no-greeting", "en", """
Your access to the control panel is back. You can sign in with your usual password.

Best regards,
Carlos
""", {"no_greeting"}),
    c("en-no-closing", "en", """
Hi Rosa,

Your access to the control panel is back. You can sign in with your usual password.
""", {"no_closing"}),
    c("en-jargon", "en", """
Hi Rosa,

We updated the DNS records and the TTL is one hour, so the change is live by 3 p.m. today.

Best regards,
Carlos
""", {"jargon"}),
    c("en-unanswered", "en", """
Hi Rosa,

Your domain floreriarosa.mx is renewed for another year. You can see it in your control panel.

Best regards,
Carlos
""", {"unanswered_question"}, customer="Is my domain renewed? Also, how much does an extra mailbox cost?"),
    c("en-no-next-step", "en", """
Hi Rosa,

We received your message about the error on your website.

Best regards,
Carlos
""", {"no_next_step"}),
    c("en-hard", "en", """
Hi Rosa,

Subsequent to a comprehensive examination of the infrastructure associated with your subscription,
it was determined that the impossibility of establishing communication with the electronic mail
server originates from an inappropriate configuration of the authentication parameters specified
within the client application, particularly regarding the utilization of the obligatory encryption
protocol, which must be enabled in accordance with the documentation previously provided by our
specialized department, a modification that will consequently restore normal operation.

Best regards,
Carlos
""", {"hard_to_read"}),
]

# A second batch, written after the first tuning and measured as it came.
CASES += [
    c("es-clean-hasta-pronto", "es", """
Hola, Rosa:

Ya quedó activa tu cuenta nueva ventas@floreriarosa.mx con 5 GB de espacio.

¡Hasta pronto!
Carlos
"""),
    c("es-clean-ask-attach", "es", """
Hola, Rosa:

Para revisar el error necesito ver lo que aparece en tu pantalla. Por favor adjunta una captura en tu
respuesta y dime a qué hora pasó.

Gracias,
Carlos
""", customer="Me sale un error al entrar al panel."),
    c("es-clean-code", "es", """
Hola, Rosa:

Tu dominio apunta bien: al ejecutar `dig MX floreriarosa.mx` aparece mx1.hostea.mx con prioridad 10.
El problema está en el filtro de Gmail, que manda los correos a Spam. Márcalos como «No es spam» y
los siguientes llegarán a tu bandeja.

Saludos,
Carlos
""", technical=True, names=("Hostea",), customer="Mis correos llegan a spam en Gmail."),
    c("es-clean-no-emphasis", "es", """
Hola, Rosa:

Te llamo hoy a las 13:00 para cambiar juntos la contraseña. NO la compartas por correo con nadie,
ni siquiera con nosotros.

Saludos,
Carlos
"""),
    c("es-clean-brands", "es", """
Hola, Rosa:

Ya conectamos tu tienda de Mercado Libre con el dominio que compraste en GoDaddy, y el cobro con
Banorte aparece en tu estado de cuenta como HOSTEA MX. Todo quedó listo.

Saludos,
Carlos
""", names=("Hostea",)),
    c("es-clean-usted", "es", """
Estimado Sr. Martínez:

Le confirmo que recibimos su pago por $1,299.00 MXN. Su plan Empresarial quedó activo hasta el 30 de
junio. Si requiere la factura, respóndame con su RFC y se la envío el mismo día.

Atentamente,
Carlos Ruiz
Equipo de Soporte
""", customer_name="Jorge Martínez Ortega", customer="¿Ya les llegó mi pago?"),
    c("en-clean-see-you", "en", """
Hi Rosa,

Your new mailbox sales@floreriarosa.mx is active with 5 GB of space. You can sign in right away.

See you soon,
Carlos
"""),
    c("en-clean-spanish-names", "en", """
Hello Guadalupe,

Xóchitl from our billing team has your request and will send the credit note tomorrow by noon. Your
account in Monterrey stays active.

Best regards,
Carlos
""", customer_name="Guadalupe Itzel Tzompantzi", customer="I need a credit note."),
    # seeded
    c("es-accents", "es", """
Hola, Rosa:

Despues de revisar tu cuenta, aqui te dejo la informacion que pediste. Ya puedes consultarla en tu
panel.

Saludos,
Carlos
""", {"spelling"}),
    c("es-proximamente", "es", """
Hola, Rosa:

Próximamente tendremos la nueva versión del panel y ahí podrás cambiar tu plan.

Saludos,
Carlos
""", {"vague_time"}),
    c("es-urgente", "es", """
Hola, Rosa:

URGENTE: SU SERVICIO SERÁ SUSPENDIDO si no se registra el pago hoy antes de las 18:00. Puede pagar en
OXXO o por SPEI.

Saludos,
Carlos
""", {"all_caps"}),
    c("es-two-questions", "es", """
Hola, Rosa:

El plan Negocio incluye 10 cuentas de correo de 5 GB cada una. Puedes contratarlo desde tu panel.

Saludos,
Carlos
""", {"unanswered_question"},
      customer="¿Cuántas cuentas de correo incluye el plan Negocio? ¿Puedo conservar mi dominio si me cambio?"),
    c("es-long-sentence", "es", """
Hola, Rosa:

Revisamos tu sitio y vimos que el problema viene de una extensión que se actualizó sola anoche y que
dejó de funcionar con la versión del tema que usas, así que la desactivamos, borramos la copia
guardada de las páginas, probamos el carrito con una compra de prueba y ahora todo funciona como
antes sin que tengas que hacer nada más.

Saludos,
Carlos
""", {"hard_to_read"}),
    c("en-earliest", "en", """
Hi Rosa,

Our billing team will contact you at the earliest convenience about the refund.

Best regards,
Carlos
""", {"vague_time"}),
    c("en-no-next-2", "en", """
Hi Rosa,

I understand your online store has been down since this morning and that it is hurting your sales.

Best regards,
Carlos
""", {"no_next_step"}),
    c("en-shout-urgent", "en", """
Hi Rosa,

YOUR ACCOUNT WILL BE SUSPENDED unless the payment arrives by 6 p.m. today. You can pay by card in your
control panel.

Best regards,
Carlos
""", {"all_caps"}),
    c("en-spelling-2", "en", """
Hi Rosa,

We have updated your adress and the new invoice will be sent untill Friday. Let us know if anything
is wrong.

Best regards,
Carlos
""", {"spelling"}),
]

# A third batch: replies tried by hand after the second tuning; three of the four raised a false
# alarm as they came ("Pruébala y me avisas" as no next step, "Atte." and "candadito" as misspellings).
CASES += [
    c("es-clean-outlook", "es", """
Hola Marisol, buenas tardes.

Ya te configuré la cuenta en Outlook: el servidor de entrada es mail.tudominio.mx y el puerto 993.
Pruébala y me avisas si ya te llegan los correos.

Saludos cordiales,
Javier
"""),
    c("es-clean-atte", "es", """
Buen día, Sr. Gutiérrez:

Le comento que su factura del mes de octubre ya está timbrada y la puede descargar desde su portal de
clientes, en la sección Facturación.

Quedo a sus órdenes.
Atte. Javier López
"""),
    c("es-clean-diminutive", "es", """
Hola Pepe!

No te preocupes, ya quedó. Era un detalle con el certificado, lo renovamos y tu página ya abre con el
candadito.

Saludos!
"""),
    c("es-clean-outage", "es", """
Hola, Luis:

Gracias por avisarnos. Nuestro equipo de infraestructura está trabajando en una falla general del
servidor; estimamos tenerlo resuelto hoy a las 14:00. Te escribo en cuanto quede.

Un saludo,
Javier
"""),
]
