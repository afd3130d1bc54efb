"""What customers write about, and what agents answer: the demo's conversation templates.

Spanish (es-MX) data, not translatable text. Each `Story` is one coherent case (subject, the
customer's first message, the questions and answers, the cause found and the solution); the
planner varies the customer, domain, channel, agents, status and which optional turns happen.
Placeholders: {dominio}, {buzon}, {folio}, {monto}, {agente} (the agent's first name).
Agent texts carry no greeting or signature: the planner adds those for the channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from atiende.tickets.models import Priority, TicketType

from .people import FIRST_LINE, SECOND_LINE

LOW, NORMAL, HIGH, URGENT = Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT
ROUTINE = ((LOW, 2), (NORMAL, 6), (HIGH, 1))
USUAL = ((NORMAL, 6), (HIGH, 2), (LOW, 1))
PRESSING = ((HIGH, 5), (URGENT, 3), (NORMAL, 2))
OUTAGE = ((URGENT, 5), (HIGH, 4), (NORMAL, 1))


@dataclass(frozen=True)
class Story:
    key: str
    team: str
    type: str
    tags: tuple[str, ...]
    priorities: tuple[tuple[str, int], ...]
    subject: str
    opening: str  # the customer, first person
    summary: str  # third person, after "Llamada de <name>: "
    exchanges: tuple[tuple[str, str], ...]  # (the agent asks, the customer answers)
    note: str  # internal: what the agent found
    solution: str
    hold: str = ""  # what we are waiting for, when the case goes on hold
    referral: tuple[str, str] | None = None  # (note to the collaborator, the collaborator's note)
    billing: bool = False


STORIES: tuple[Story, ...] = (
    # --- domains: renewals ----------------------------------------------------------------------
    Story(
        "renovacion-pago-rechazado", FIRST_LINE, TicketType.INCIDENT, ("dominios", "renovación", "pagos"), USUAL,
        "No puedo pagar la renovación de {dominio}",
        "Hola. Intenté renovar el dominio {dominio} con mi tarjeta y el pago fue rechazado, aunque el banco "
        "dice que no hay ningún bloqueo de su lado. El dominio vence en diez días y no quiero que se me pase. "
        "¿Me pueden ayudar?",
        "no puede pagar la renovación de {dominio}: su tarjeta es rechazada en el panel",
        (("Para revisar el intento de cobro, ¿me confirma los últimos cuatro dígitos de la tarjeta y la hora "
          "aproximada en que intentó pagar?",
          "Termina en 4821. Lo intenté hoy como a las 11 y otra vez a las 12."),),
        "El cargo lo rechazó el antifraude del procesador por la dirección de facturación, no el banco. "
        "Lo marco como confiable y le pido reintentar.",
        "Revisamos el intento de pago: lo detuvo el filtro antifraude de nuestro procesador porque la "
        "dirección de facturación no coincidía con la del banco. Ya lo ajustamos; puede volver a intentar el "
        "pago desde Dominios › Renovar y debería pasar sin problema. {dominio} no corre ningún riesgo, le "
        "quedan diez días antes del vencimiento.",
        billing=True,
    ),
    Story(
        "renovacion-varios-anos", FIRST_LINE, TicketType.QUESTION, ("dominios", "renovación"), ROUTINE,
        "Renovar {dominio} por varios años",
        "Buenas tardes. Quiero renovar {dominio} por tres años para olvidarme un rato del tema, pero en el "
        "panel solo me deja elegir un año. ¿Se puede hacer por más tiempo?",
        "quiere renovar el dominio {dominio} por varios años y el panel solo le ofrece uno",
        (("Claro que sí: los dominios .mx se pueden renovar de uno a diez años. ¿Me confirma por cuántos "
          "años lo quiere y si la factura va a nombre de la misma razón social de la última vez?",
          "Por tres años, por favor, y sí, con los mismos datos de facturación."),),
        "El selector de años está limitado por una regla vieja del panel para dominios con renovación "
        "automática. Genero la orden manual por 3 años.",
        "Le generé la orden de renovación de {dominio} por tres años; la encuentra en Facturación › "
        "Pendientes. En cuanto se acredite el pago, la nueva fecha de vencimiento aparecerá en su panel y le "
        "llegará la factura por correo.",
    ),
    Story(
        "renovacion-automatica", FIRST_LINE, TicketType.QUESTION, ("dominios", "renovación"), ROUTINE,
        "Activar la renovación automática de {dominio}",
        "Hola. El año pasado casi se me vence {dominio} por no ver el aviso. ¿Cómo activo la renovación "
        "automática para que no vuelva a pasar?",
        "pregunta cómo activar la renovación automática de {dominio}",
        (("¿Desea que el cargo se haga a la tarjeta que ya tiene registrada, la que termina en 0932, o prefiere "
          "registrar otra?",
          "A la que ya está registrada, por favor."),),
        "La cuenta no tenía método de pago predeterminado; por eso el interruptor aparecía deshabilitado.",
        "Listo: activé la renovación automática de {dominio} con la tarjeta terminación 0932. Haremos el cargo "
        "15 días antes del vencimiento y le avisaremos por correo tres días antes. Puede desactivarla cuando "
        "quiera en Dominios › Renovación.",
    ),
    # --- domains: transfers and registrant ------------------------------------------------------
    Story(
        "transferencia-pendiente", FIRST_LINE, TicketType.QUESTION, ("dominios", "transferencia", "nic méxico"), USUAL,
        "La transferencia de {dominio} sigue pendiente",
        "Buen día. Inicié la transferencia de {dominio} desde mi proveedor anterior hace tres días y en el "
        "panel sigue apareciendo como «pendiente». ¿Falta algo de mi parte?",
        "pregunta por qué la transferencia de {dominio} lleva tres días pendiente",
        (("Para continuar, NIC México envía una confirmación al correo del contacto administrativo del "
          "dominio. ¿Me confirma si ese correo sigue vigente y si revisó la bandeja de spam?",
          "El contacto administrativo es el correo de mi socio. Ya le pedí que lo revise y que apruebe la "
          "solicitud."),),
        "La solicitud sigue esperando la aprobación del contacto administrativo; el registrador anterior no la "
        "ha rechazado.",
        "La transferencia de {dominio} se completó. Ya aparece en su panel, conserva la fecha de vencimiento "
        "y se le sumó el año incluido con la transferencia. Los servidores DNS no cambiaron, así que su sitio y "
        "su correo siguen funcionando igual.",
        hold="La solicitud ya está en NIC México y el registrador anterior tiene hasta cinco días para "
        "aceptarla o rechazarla. Mientras tanto no necesita hacer nada; le escribo en cuanto cambie el estado.",
    ),
    Story(
        "transferencia-rechazada", FIRST_LINE, TicketType.INCIDENT, ("dominios", "transferencia"), USUAL,
        "Transferencia de {dominio} rechazada",
        "Hola, la transferencia de {dominio} aparece como rechazada en el panel y no dice por qué. Ya tenía "
        "el código de autorización y todo. ¿Me pueden apoyar?",
        "reporta que la transferencia de {dominio} fue rechazada sin motivo aparente",
        (("¿Podría pedirle a su proveedor anterior que retire el candado de transferencia del dominio y le "
          "genere un código de autorización nuevo? Cuando lo tenga, envíemelo por este medio.",
          "Ya me contestaron: quitaron el candado y me dieron este código nuevo: Q7m#2kLp9x."),),
        "El dominio tenía el estado clientTransferProhibited en el registrador anterior; por eso se rechazó. "
        "Reenvío la solicitud con el código nuevo.",
        "Reenviamos la solicitud con el nuevo código y esta vez el registrador anterior la aceptó. {dominio} "
        "ya está en su cuenta con nosotros, con la misma fecha de vencimiento más un año.",
    ),
    Story(
        "transferencia-codigo", FIRST_LINE, TicketType.QUESTION, ("dominios", "transferencia"), ROUTINE,
        "Código de autorización de {dominio}",
        "Hola. Me voy a cambiar de proveedor de hosting y necesito el código de autorización de {dominio} para "
        "llevarme el dominio. ¿Dónde lo encuentro?",
        "solicita el código de autorización de {dominio} para transferirlo a otro registrador",
        (("Por seguridad solo podemos enviar el código al correo del titular registrado. ¿Me confirma que "
          "sigue recibiendo correo en esa dirección?",
          "Sí, es el mismo correo desde el que les escribo."),),
        "Titular verificado; el dominio no tiene adeudos. Genero código nuevo con vigencia de 30 días.",
        "Le enviamos el código de autorización de {dominio} al correo del titular; tiene vigencia de 30 días. "
        "Lamentamos que se vaya y, si en algo podemos mejorar, con gusto lo escuchamos.",
    ),
    Story(
        "cambio-titular", FIRST_LINE, TicketType.TASK, ("dominios", "titularidad", "nic méxico"), ROUTINE,
        "Cambio de titular del dominio {dominio}",
        "Hola. El dominio {dominio} quedó registrado a nombre de una persona que ya no trabaja con nosotros. "
        "¿Cómo lo pasamos a nombre de la empresa?",
        "quiere cambiar el titular de {dominio}, registrado a nombre de un exempleado",
        (("Para el cambio de titular necesitamos una carta firmada por el titular actual autorizándolo, copia de "
          "su identificación oficial y los datos fiscales de la empresa. ¿El titular actual está localizable?",
          "Sí, ya le pedimos que firme la carta. Se las adjunto junto con su INE y nuestra constancia de "
          "situación fiscal."),),
        "Carta firmada e identificación vigente recibidas. Envío la solicitud de cambio de registrante a NIC "
        "México.",
        "El cambio de titular de {dominio} quedó aplicado: ahora aparece a nombre de la empresa y el contacto "
        "administrativo es el correo que nos indicó. El sitio y el correo no tuvieron ninguna interrupción.",
        hold="Enviamos la solicitud de cambio de titular a NIC México con sus documentos. El trámite suele "
        "tomar de tres a cinco días hábiles; le avisamos en cuanto se apruebe.",
    ),
    # --- DNS ------------------------------------------------------------------------------------
    Story(
        "dns-registro-a", SECOND_LINE, TicketType.INCIDENT, ("dns", "sitio web"), PRESSING,
        "Mi dominio {dominio} no resuelve",
        "Desde ayer en la noche {dominio} no abre; el navegador dice que no se encuentra el servidor. No "
        "cambiamos nada. Es urgente: por ahí nos contactan los clientes.",
        "reporta que {dominio} dejó de abrir desde anoche",
        (("¿Recuerda si alguien modificó la zona DNS recientemente, por ejemplo para conectar la tienda con "
          "otra plataforma?",
          "Nuestro proveedor de la tienda nos pidió cambiar un registro la semana pasada, pero no sé "
          "exactamente cuál."),),
        "El registro A de la raíz apunta a la IP del servidor anterior a la migración. Lo corrijo y bajo el "
        "TTL a 300 mientras se estabiliza.",
        "Encontramos el problema: el registro A de {dominio} apuntaba a la dirección IP de un servidor "
        "anterior. Ya lo corregimos y el sitio responde en nuestras pruebas. Si algún cliente todavía no lo ve, "
        "puede tardar unas horas en actualizarse la caché de su proveedor de internet.",
        referral=("Luis, ¿puedes confirmar que la IP vieja de este sitio ya no está en uso en ningún servidor? "
                  "No quiero que el tráfico llegue a otra cuenta.",
                  "Confirmado: esa IP quedó libre desde la migración y no la tiene asignada nadie."),
    ),
    Story(
        "dns-servidores-nombre", FIRST_LINE, TicketType.QUESTION, ("dns", "dominios"), USUAL,
        "El sitio {dominio} no abre después de cambiar los DNS",
        "Cambié los servidores DNS de {dominio} a los suyos hace más de 24 horas y todavía no carga el "
        "sitio. ¿Es normal que tarde tanto?",
        "cambió los servidores DNS de {dominio} hace un día y el sitio aún no carga",
        (("¿Me confirma en qué panel hizo el cambio? A veces se actualiza solo en la cuenta del proveedor "
          "anterior y no llega al registro de NIC México.",
          "Lo hice en el panel del proveedor anterior, donde tenía el dominio antes."),),
        "En NIC México siguen los NS del proveedor anterior: el cambio nunca se envió al registro. Lo aplico "
        "desde nuestro lado.",
        "El cambio de servidores DNS no había llegado al registro de NIC México. Lo aplicamos desde nuestro "
        "lado y {dominio} ya apunta a ns1 y ns2.nopalhosting.mx. La propagación suele completarse en menos "
        "de dos horas.",
    ),
    Story(
        "dnssec-llave", SECOND_LINE, TicketType.INCIDENT, ("dns", "dnssec"), PRESSING,
        "{dominio} abre en unas redes y en otras no",
        "Algunos clientes nos dicen que {dominio} no les abre y a otros sí. Con datos móviles a mí sí me "
        "carga, pero desde la oficina no. ¿Pueden revisar si hay algún problema con los DNS?",
        "reporta que {dominio} abre en algunas redes y en otras no",
        (("¿Me podría enviar el resultado de ejecutar «nslookup {dominio} 8.8.8.8» desde la oficina?",
          "Aquí está: dice «server failed» y no regresa ninguna dirección."),),
        "DNSSEC activado con un registro DS que ya no corresponde a la llave de la zona; los resolvers que "
        "validan (Google, Cloudflare) fallan y los demás no.",
        "El dominio tenía activado DNSSEC con una llave que ya no correspondía a la zona, por eso fallaba "
        "solo en algunas redes. Retiramos la llave anterior y publicamos la nueva en NIC México. {dominio} ya "
        "resuelve correctamente en todas nuestras pruebas.",
        referral=("Luis, ¿nos ayudas a rotar el DS de este dominio en el registro? El firmado de la zona lo "
                  "hicimos con la llave nueva.",
                  "Listo: publiqué el DS nuevo y retiré el anterior. Validé con dig +dnssec desde tres "
                  "resolvers."),
    ),
    # --- mail -----------------------------------------------------------------------------------
    Story(
        "correo-mx", FIRST_LINE, TicketType.INCIDENT, ("correo", "dns"), PRESSING,
        "No me llegan correos a {buzon}",
        "Hola, desde ayer no recibo correos en {buzon}. Puedo enviar sin problema, pero nadie me puede "
        "escribir: les rebota con un error.",
        "no recibe correos en {buzon} desde ayer",
        (("¿Cambiaron recientemente los registros MX de {dominio} o probaron algún servicio de correo "
          "externo, como Google Workspace o Microsoft 365?",
          "La semana pasada probamos Google Workspace pero lo cancelamos. No sé si alguien movió algo."),),
        "Los MX siguen apuntando a Google desde la prueba de Workspace. Los regreso a mx1 y mx2.nopalhosting.mx.",
        "Los registros MX de {dominio} seguían apuntando a Google desde la prueba que hicieron. Los "
        "regresamos a nuestros servidores y ya entran los mensajes: enviamos una prueba a {buzon} y llegó en "
        "segundos.",
    ),
    Story(
        "buzon-lleno", FIRST_LINE, TicketType.INCIDENT, ("correo",), USUAL,
        "Los correos a {buzon} rebotan",
        "Varios clientes me dicen que sus correos a {buzon} les regresan con un mensaje de «mailbox full». "
        "¿Qué está pasando?",
        "reporta que los correos enviados a {buzon} rebotan",
        (("¿Me puede reenviar el mensaje de rebote completo que le llegó a alguno de sus clientes? Ahí viene el "
          "código de error que necesito revisar.",
          "Se lo reenvié a este mismo correo. Dice «552 5.2.2 mailbox full»."),),
        "El buzón está al 100 % de su cuota de 5 GB. Archivo los enviados de 2023 y le ofrezco ampliación.",
        "El buzón {buzon} estaba lleno y por eso rechazaba los mensajes nuevos. Liberamos espacio archivando la "
        "carpeta de enviados de 2023 y ampliamos la cuota a 10 GB sin costo durante este mes. Ya recibe correo "
        "con normalidad.",
    ),
    Story(
        "configurar-outlook", FIRST_LINE, TicketType.QUESTION, ("correo", "configuración"), ROUTINE,
        "Configurar {buzon} en Outlook",
        "Buenas tardes. Necesito configurar {buzon} en el Outlook de una computadora nueva y no sé qué datos "
        "poner en el servidor de entrada y en el de salida.",
        "necesita los datos para configurar {buzon} en Outlook",
        (("¿Qué versión de Outlook usa? Los pasos cambian un poco entre Outlook 2016 y el nuevo Outlook de "
          "Microsoft 365.",
          "Es el Outlook nuevo, el que viene con Microsoft 365."),),
        "Le envío la guía del Outlook nuevo; si no lo logra, agendamos una videollamada.",
        "Estos son los datos para {buzon}:\n\n"
        "• Servidor de entrada (IMAP): mail.{dominio}, puerto 993, SSL\n"
        "• Servidor de salida (SMTP): mail.{dominio}, puerto 465, SSL, con autenticación\n"
        "• Usuario: la dirección completa de correo\n\n"
        "En el Outlook nuevo elija «Agregar cuenta» › «IMAP» y capture esos datos. Si algo no funciona, me "
        "avisa y lo revisamos por videollamada.",
    ),
    Story(
        "iphone-puerto", FIRST_LINE, TicketType.QUESTION, ("correo", "configuración"), ROUTINE,
        "No puedo enviar correos desde el iPhone",
        "Desde mi iPhone puedo recibir correos de {buzon}, pero no enviar: me dice que el servidor rechazó la "
        "contraseña, aunque en el webmail entro sin problema.",
        "no puede enviar correo desde su iPhone con la cuenta {buzon}",
        (("¿Me manda una captura de la configuración del servidor de salida (SMTP) que tiene en el iPhone? "
          "Sin la contraseña, por favor.",
          "Listo, ahí va la captura. El puerto dice 25."),),
        "Usa el puerto 25 sin autenticación; su proveedor de internet lo bloquea. Indicarle 465 con SSL.",
        "El iPhone tenía configurado el puerto 25, que la mayoría de los proveedores de internet bloquean. "
        "Cámbielo a 465, con SSL activado y autenticación con su contraseña de correo; con eso ya podrá "
        "enviar.",
    ),
    Story(
        "cuenta-nueva", FIRST_LINE, TicketType.TASK, ("correo",), ROUTINE,
        "Alta de una cuenta de correo en {dominio}",
        "Hola. Entró una persona nueva al equipo y necesitamos crearle la cuenta ventas2@{dominio}. ¿Eso lo "
        "hago yo o lo hacen ustedes?",
        "pide dar de alta la cuenta ventas2@{dominio}",
        (("¿De cuánto espacio necesita la cuenta? Su plan incluye cuentas de 5 y de 10 GB.",
          "Con 5 GB está bien, gracias."),),
        "Quedan 3 cuentas disponibles en el plan; creo la nueva con 5 GB.",
        "Ya creé la cuenta ventas2@{dominio} con 5 GB de espacio. Le envié la contraseña temporal al correo del "
        "titular; al entrar por primera vez al webmail le pedirá cambiarla. También puede crear cuentas usted "
        "mismo desde Correo › Cuentas en su panel.",
    ),
    Story(
        "correo-spam", SECOND_LINE, TicketType.PROBLEM, ("correo", "entregabilidad"), USUAL,
        "Nuestros correos llegan a spam",
        "Hola, los correos que enviamos desde {buzon} les llegan a spam a casi todos nuestros clientes, sobre "
        "todo a los de Gmail y Hotmail. Mandamos las confirmaciones de pedido desde ahí. ¿Se puede hacer algo?",
        "reporta que sus correos llegan a la carpeta de spam de sus clientes",
        (("¿Envían correos desde otra plataforma además de nuestro servidor, por ejemplo Mailchimp o la "
          "misma tienda en línea? Hay que incluirlas a todas en el registro SPF.",
          "Sí: las confirmaciones de pedido salen desde la plataforma de la tienda y los boletines desde "
          "Mailchimp."),),
        "SPF con dos registros TXT separados (inválido) y sin DKIM ni DMARC. Unifico el SPF y genero llave DKIM.",
        "Configuramos la autenticación de correo de {dominio}:\n\n"
        "• SPF: un solo registro que autoriza a nuestro servidor, a la tienda y a Mailchimp\n"
        "• DKIM: firma con llave de 2048 bits\n"
        "• DMARC: en modo de monitoreo, con reportes semanales a {buzon}\n\n"
        "Los cambios ya están publicados. Gmail y Outlook suelen tardar uno o dos días en ajustar la reputación "
        "del remitente.",
        referral=("Luis, ¿puedes revisar si la IP de salida de este servidor aparece en alguna lista negra? "
                  "Quiero descartarlo antes de tocar el SPF.",
                  "La IP no está en ninguna lista (revisé Spamhaus, Barracuda y SpamCop). El problema es de "
                  "autenticación, no de reputación."),
    ),
    Story(
        "ip-bloqueada", SECOND_LINE, TicketType.INCIDENT, ("correo", "firewall"), PRESSING,
        "En la oficina nadie puede conectarse al correo",
        "Desde esta mañana ninguna computadora de la oficina puede conectarse a {buzon} ni a las demás "
        "cuentas; desde el celular con datos sí funciona. ¿Nos bloquearon?",
        "reporta que desde su oficina no pueden conectarse al correo",
        (("¿Me comparte la dirección IP pública de la oficina? La puede ver buscando «cuál es mi IP» en "
          "Google desde una de las computadoras.",
          "Es la 201.141.22.87."),),
        "La IP de la oficina está en la lista de bloqueo del firewall por intentos fallidos: una impresora "
        "multifuncional con la contraseña vieja de escaneo a correo.",
        "La dirección IP de su oficina quedó bloqueada por nuestro firewall después de muchos intentos "
        "fallidos de inicio de sesión. El origen fue una impresora que seguía usando una contraseña anterior "
        "para escanear a correo. Ya desbloqueamos la IP; le recomendamos actualizar la contraseña en la "
        "impresora para que no se repita.",
        referral=("Luis, ¿puedes quitar del bloqueo del firewall la IP 201.141.22.87 y revisar de qué servicio "
                  "salían los intentos fallidos?",
                  "Desbloqueada. Los intentos venían cada 30 segundos por SMTP con el usuario escaner@; parece "
                  "una impresora con la contraseña vieja."),
    ),
    # --- SSL ------------------------------------------------------------------------------------
    Story(
        "ssl-caa", SECOND_LINE, TicketType.INCIDENT, ("ssl", "sitio web"), PRESSING,
        "El navegador marca {dominio} como «No seguro»",
        "Hola, hoy en la mañana Chrome empezó a mostrar la advertencia de «La conexión no es privada» en "
        "{dominio}. Perdemos ventas porque la gente se asusta. Teníamos entendido que el certificado se "
        "renovaba solo.",
        "reporta que {dominio} muestra la advertencia de conexión no privada",
        (),
        "La renovación automática falló porque el registro CAA solo autoriza a otra autoridad certificadora. "
        "Agrego letsencrypt.org al CAA y reemito.",
        "La renovación automática falló porque la zona DNS tenía un registro CAA que no autorizaba a la "
        "autoridad certificadora que usamos. Lo corregimos y emitimos un certificado nuevo para {dominio} y "
        "www.{dominio}, con renovación automática. El candado ya aparece en todos los navegadores que "
        "probamos.",
    ),
    Story(
        "ssl-www", FIRST_LINE, TicketType.INCIDENT, ("ssl",), USUAL,
        "Error de certificado en www.{dominio}",
        "Buen día. Si entro a {dominio} sale el candado, pero con www.{dominio} el navegador marca error de "
        "certificado. ¿Lo pueden revisar?",
        "reporta un error de certificado solo en www.{dominio}",
        (("¿Me confirma si en alguna parte de su sitio o de sus anuncios se usa la dirección con www? Así sé "
          "si conviene redirigirla.",
          "Sí, en las tarjetas de presentación y en Google Ads aparece con www."),),
        "El certificado no incluye www como nombre alternativo. Reemito con ambos nombres.",
        "El certificado no cubría www.{dominio}. Ya emitimos uno nuevo que incluye ambos nombres y dejamos "
        "una redirección de www a la dirección principal. Si todavía ve la advertencia, borre la caché del "
        "navegador.",
    ),
    Story(
        "ssl-ov", SECOND_LINE, TicketType.TASK, ("ssl", "cotización"), ROUTINE,
        "Certificado SSL con validación de organización para {dominio}",
        "Buen día. Nuestro banco adquirente nos pide un certificado con validación de organización (OV) para "
        "{dominio}. ¿Qué necesitan de nuestra parte y cuánto tarda?",
        "necesita un certificado SSL con validación de organización para {dominio}",
        (("Para la validación, la autoridad certificadora necesita el acta constitutiva, la constancia de "
          "situación fiscal y un teléfono de la empresa que aparezca en un directorio público. ¿Nos los "
          "puede compartir?",
          "Ya los subí al portal. El teléfono es el del conmutador de la oficina."),),
        "Validación OV en curso con la autoridad certificadora; tiempo estimado de 2 a 3 días hábiles.",
        "El certificado con validación de organización ya está instalado en {dominio}. Vence en un año; le "
        "avisaremos 30 días antes para renovarlo.",
        hold="La autoridad certificadora ya tiene sus documentos y está haciendo la verificación telefónica, que "
        "normalmente toma de dos a tres días hábiles. En cuanto emitan el certificado lo instalamos y le "
        "avisamos.",
    ),
    Story(
        "ssl-redirecciones", SECOND_LINE, TicketType.INCIDENT, ("ssl", "sitio web", "cloudflare"), PRESSING,
        "{dominio}: «demasiadas redirecciones»",
        "Activamos Cloudflare en {dominio} y ahora el sitio no carga: el navegador dice «ERR_TOO_MANY_REDIRECTS». "
        "Si lo quitamos, funciona. ¿Qué hicimos mal?",
        "reporta un ciclo de redirecciones en {dominio} después de activar Cloudflare",
        (("¿En qué modo tiene el cifrado SSL en Cloudflare: «Flexible», «Completo» o «Completo (estricto)»?",
          "Dice «Flexible»."),),
        "Cloudflare en modo Flexible llega por HTTP y nuestro servidor redirige a HTTPS: ciclo infinito.",
        "En modo «Flexible», Cloudflare se conecta a nuestro servidor por HTTP y el sitio lo redirige a HTTPS, "
        "lo que forma un ciclo. Cambie el modo a «Completo (estricto)»: su certificado en nuestro servidor es "
        "válido, así que funcionará de inmediato. Ya lo probamos con una regla temporal y el sitio carga "
        "bien.",
    ),
    # --- hosting --------------------------------------------------------------------------------
    Story(
        "wordpress-php", SECOND_LINE, TicketType.INCIDENT, ("hosting", "wordpress", "sitio web"), OUTAGE,
        "Error 500 en {dominio}",
        "Hola, {dominio} muestra un error 500 desde hace una hora. Ayer actualizamos varios plugins de "
        "WordPress. Es nuestro sitio principal; por favor ayúdennos lo antes posible.",
        "reporta que {dominio} muestra error 500 desde que actualizó plugins",
        (("¿Qué plugins actualizaron ayer? Si tiene la lista a la mano me ayuda a ubicar el que está fallando.",
          "WooCommerce, el de envíos y uno de facturación electrónica."),),
        "El plugin de facturación ahora requiere PHP 8.1 y la cuenta está en 7.4. Subo la versión de PHP.",
        "El error lo causaba el plugin de facturación que actualizaron, que ahora requiere una versión más "
        "reciente de PHP. Cambiamos la cuenta a PHP 8.1 y el sitio ya funciona; probamos el carrito y un pago "
        "de prueba y todo está en orden.",
    ),
    Story(
        "bot-recursos", SECOND_LINE, TicketType.INCIDENT, ("hosting", "rendimiento"), OUTAGE,
        "{dominio} está muy lento y a veces da error 503",
        "El sitio {dominio} tarda muchísimo en cargar y a veces muestra un error 503. No tenemos más visitas "
        "que de costumbre. ¿Hay algún problema en el servidor?",
        "reporta lentitud y errores 503 en {dominio}",
        (("¿Nos autoriza a bloquear temporalmente el tráfico de robots que no sean de buscadores? No afecta a "
          "Google ni a sus clientes.",
          "Sí, adelante, bloquéenlo."),),
        "La cuenta llega al límite de procesos PHP por un bot que rastrea el catálogo miles de veces por "
        "minuto. Bloqueo su user agent.",
        "Un robot estaba consultando el catálogo miles de veces por minuto y agotaba los recursos del hosting. "
        "Lo bloqueamos y el sitio volvió a responder con normalidad. Le recomendamos activar el firewall de "
        "aplicaciones desde el panel para evitar que se repita.",
        referral=("Luis, ¿podemos bloquear en el balanceador el rango de IP de este bot? Solo con el user agent "
                  "se sigue colando.",
                  "Bloqueé el rango en el balanceador; la carga del servidor bajó de 12 a 1.5."),
    ),
    Story(
        "base-de-datos", SECOND_LINE, TicketType.INCIDENT, ("hosting", "wordpress", "base de datos"), OUTAGE,
        "«Error al establecer una conexión con la base de datos» en {dominio}",
        "Nuestro WordPress en {dominio} muestra «Error al establecer una conexión con la base de datos». No "
        "tocamos nada. ¿Pueden revisar?",
        "reporta que el WordPress de {dominio} no conecta con la base de datos",
        (),
        "La tabla wp_options creció a 1.2 GB de transients y MySQL de la cuenta llegaba al límite de memoria. "
        "Limpio la tabla y reinicio el servicio.",
        "La base de datos de su sitio tenía una tabla con más de un gigabyte de datos temporales que dejó un "
        "plugin de caché, y el servicio se quedaba sin memoria. La limpiamos y reiniciamos el servicio; "
        "{dominio} ya carga normalmente. Le sugerimos revisar la configuración de ese plugin.",
    ),
    Story(
        "restaurar-archivos", FIRST_LINE, TicketType.TASK, ("hosting", "respaldos"), USUAL,
        "Restaurar archivos borrados de {dominio}",
        "Hola, por error borré la carpeta de imágenes del sitio {dominio} desde el administrador de archivos. "
        "¿Tienen algún respaldo?",
        "borró por error la carpeta de imágenes de {dominio} y pide restaurarla",
        (("¿Me confirma la fecha y hora aproximada en que se borraron los archivos? Así elijo el respaldo más "
          "cercano sin perder cambios posteriores.",
          "Fue antier como a las 6 de la tarde. Desde entonces no hemos subido nada nuevo."),),
        "Hay respaldo de las 03:00 del día del borrado. Restauro en una carpeta aparte y luego la muevo.",
        "Restauramos la carpeta desde el respaldo de la madrugada anterior al borrado y las imágenes ya se ven "
        "en el sitio. Guardamos respaldos diarios de los últimos 14 días; también puede restaurarlos usted "
        "mismo desde Hosting › Respaldos.",
    ),
    Story(
        "restaurar-correos", FIRST_LINE, TicketType.TASK, ("correo", "respaldos"), USUAL,
        "Recuperar correos borrados de {buzon}",
        "Un compañero borró correos importantes de {buzon} y además vació la papelera. ¿Se pueden recuperar?",
        "pide recuperar correos borrados de {buzon}",
        (("¿De qué fechas son los correos que necesitan y cuándo se borraron?",
          "Se borraron el lunes en la mañana; los que necesitamos son de la semana pasada."),),
        "Respaldo del domingo disponible; restauro la semana completa en una carpeta aparte.",
        "Recuperamos los correos del respaldo y los dejamos en una carpeta llamada «Restaurados» dentro de "
        "{buzon}. Revise, por favor, que estén los que necesita.",
    ),
    Story(
        "cambio-plan", FIRST_LINE, TicketType.TASK, ("hosting", "plan"), ROUTINE,
        "Cambiar a un plan de hosting más grande",
        "Hola, nuestro sitio {dominio} se pone muy lento en las tardes, cuando más visitas tenemos. ¿Nos "
        "conviene cambiar de plan?",
        "pregunta si le conviene un plan de hosting más grande para {dominio}",
        (("Revisando el consumo, sí le convendría el plan con 4 núcleos. ¿Prefiere que hagamos el cambio hoy o "
          "fuera del horario de mayor venta? No se borra nada, pero puede haber uno o dos minutos sin servicio.",
          "Mejor en la noche, después de las 11, por favor."),),
        "Uso de CPU al 100 % entre las 17 y las 21 h. Programo el cambio de plan para las 23:30.",
        "Ya cambiamos su cuenta al plan con 4 núcleos y 50 GB de espacio. La migración tomó menos de un minuto "
        "y revisamos que el sitio y el correo funcionen. La diferencia proporcional aparecerá en su próxima "
        "factura.",
    ),
    # --- billing --------------------------------------------------------------------------------
    Story(
        "factura-rfc", FIRST_LINE, TicketType.QUESTION, ("facturación",), ROUTINE,
        "Factura con datos fiscales incorrectos",
        "Hola, la factura de la renovación de {dominio} salió con el RFC de una persona física y la necesitamos "
        "a nombre de la empresa. ¿Me la pueden cancelar y emitir otra?",
        "pide corregir los datos fiscales de la factura de {dominio}",
        (("Con gusto. Para emitirla necesito la constancia de situación fiscal actualizada de la empresa "
          "(razón social, RFC, régimen fiscal y código postal como aparecen en el SAT). ¿Me la puede adjuntar?",
          "Se la adjunto. El régimen es 601, General de Ley Personas Morales."),),
        "El CFDI se timbró con los datos del contacto, no de la empresa. Cancelo con motivo 02 y reemito.",
        "Cancelamos la factura anterior y emitimos una nueva a nombre de la empresa con los datos de su "
        "constancia. Le llegó al correo de facturación en PDF y XML; también puede descargarla desde "
        "Facturación › Mis facturas.",
        billing=True,
    ),
    Story(
        "factura-no-llego", FIRST_LINE, TicketType.QUESTION, ("facturación",), ROUTINE,
        "No me llegó la factura del pedido {folio}",
        "Buen día. Pagué el hosting de {dominio} hace una semana (pedido {folio}) y no me ha llegado la "
        "factura. ¿Me la pueden reenviar?",
        "no recibió la factura del pedido {folio}",
        (("¿A qué correo esperaba recibirla? Quiero revisar que el de su cuenta esté bien escrito.",
          "A {buzon}."),),
        "El correo de facturación registrado tenía un error de dedo. Lo corrijo y reenvío.",
        "Le reenvié la factura del pedido {folio} en PDF y XML. El correo de facturación registrado tenía un "
        "error de dedo; ya lo corregimos para los siguientes pagos.",
        billing=True,
    ),
    Story(
        "cobro-duplicado", FIRST_LINE, TicketType.INCIDENT, ("facturación", "pagos"), PRESSING,
        "Cobro duplicado de {monto}",
        "Hola, en mi estado de cuenta aparecen dos cargos de {monto} del mismo día por la renovación del "
        "hosting. Solo hice un pago. ¿Me pueden reembolsar uno?",
        "reporta un cargo duplicado de {monto} en su tarjeta",
        (("Lamento la molestia. ¿Me puede enviar una captura del estado de cuenta donde se vean ambos cargos? "
          "Puede tapar los datos que no sean necesarios.",
          "Le mando la captura; son los dos cargos del día 14."),),
        "Confirmado en el procesador: un doble clic generó dos cargos. Solicito a finanzas el reembolso del "
        "segundo.",
        "Confirmamos el cargo duplicado y reembolsamos {monto} a su tarjeta. Le enviamos el comprobante; según "
        "su banco, puede tardar unos días en reflejarse. Disculpe la molestia.",
        hold="Ya solicitamos el reembolso de uno de los cargos. El banco suele reflejarlo en un plazo de 5 a 10 "
        "días hábiles; dejamos su caso en espera hasta confirmar que aparezca en su estado de cuenta.",
        billing=True,
    ),
    Story(
        "pago-transferencia", FIRST_LINE, TicketType.INCIDENT, ("facturación", "pagos", "suspensión"), PRESSING,
        "Pagué por transferencia y el servicio sigue suspendido",
        "Hola. Ayer pagué por transferencia SPEI el pedido {folio} ({monto}) y el hosting de {dominio} sigue "
        "suspendido. Les adjunto el comprobante. ¿Lo pueden reactivar?",
        "pagó por transferencia el pedido {folio} y su hosting sigue suspendido",
        (),
        "La transferencia llegó sin referencia; finanzas la concilia manualmente con el comprobante.",
        "Finanzas ya aplicó su pago al pedido {folio} y reactivamos el hosting de {dominio}; el sitio y el "
        "correo ya funcionan. Para la próxima vez, si incluye el número de pedido en la referencia de la "
        "transferencia, el pago se aplica solo en unos minutos.",
        billing=True,
    ),
    # --- account --------------------------------------------------------------------------------
    Story(
        "doble-autenticacion", FIRST_LINE, TicketType.QUESTION, ("cuenta", "acceso"), USUAL,
        "Perdí el acceso a la verificación en dos pasos",
        "Hola, cambié de celular y ya no tengo la aplicación de verificación en dos pasos. No puedo entrar al "
        "panel. ¿Cómo recupero el acceso?",
        "cambió de celular y no puede entrar al panel por la verificación en dos pasos",
        (("Por seguridad, para desactivar la verificación en dos pasos necesito confirmar su identidad. ¿Me "
          "envía una foto de su identificación oficial y el número de pedido de su último pago?",
          "Le mando la foto de mi INE; el número de pedido es el {folio}."),),
        "Identidad verificada contra el titular de la cuenta. Desactivo la verificación en dos pasos y fuerzo "
        "cambio de contraseña.",
        "Verificamos su identidad y desactivamos la verificación en dos pasos. Ya puede entrar con su "
        "contraseña; le recomendamos volver a activarla desde Cuenta › Seguridad con su celular nuevo.",
    ),
    Story(
        "recuperar-contrasena", FIRST_LINE, TicketType.QUESTION, ("cuenta", "acceso"), ROUTINE,
        "No me llega el correo para restablecer la contraseña",
        "Intento restablecer la contraseña del panel pero no me llega el correo de recuperación. Ya revisé "
        "en spam.",
        "no recibe el correo para restablecer la contraseña del panel",
        (("¿A qué dirección espera recibir el correo de recuperación?",
          "A {buzon}, que es la que uso para todo."),),
        "La cuenta tenía registrado un correo anterior que ya no existe. Lo actualizo con el titular verificado.",
        "El correo de recuperación se enviaba a una dirección anterior registrada en su cuenta. La "
        "actualizamos y le enviamos el enlace para crear una contraseña nueva; es válido durante una hora.",
    ),
)


# --- turns any case can use -----------------------------------------------------------------------

FOLLOW_UPS = (
    "Hola de nuevo. ¿Tienen alguna novedad? Sigue igual.",
    "Les escribo otra vez porque no he recibido respuesta. ¿Me confirman que les llegó mi mensaje?",
    "Agrego un dato que puede servir: el problema empezó más o menos a las 10 de la mañana.",
    "Una disculpa por insistir, pero para nosotros es bastante urgente. Gracias.",
)

ACKNOWLEDGEMENTS = (
    "Gracias por escribirnos. Ya estoy revisando su caso y le escribo por este medio en cuanto tenga "
    "novedades.",
    "Recibimos su mensaje y ya lo estamos atendiendo. En breve le comparto lo que encontremos.",
    "Gracias por el detalle. Estoy revisando la configuración de {dominio} y le doy seguimiento en cuanto "
    "tenga el diagnóstico.",
    "Ya tomé su caso. La información que nos envió me ayuda mucho; le escribo pronto.",
)

THANKS = (
    "¡Muchas gracias! Ya quedó todo bien.",
    "Confirmo que ya funciona. Gracias por la rapidez.",
    "Perfecto, ya lo revisé y está correcto. Muy amables.",
    "Gracias, {agente}. Excelente atención.",
    "Listo, ya quedó. Les agradezco mucho la ayuda.",
)

TRIAGE_NOTES = (
    "Revisé la cuenta: está al corriente con sus pagos. Lo dejo en la cola para que lo tome quien esté "
    "disponible.",
    "El cliente tiene varios dominios en la cuenta; confirmar cuál es el afectado antes de mover algo.",
    "Puede estar relacionado con el mantenimiento de anoche. Pendiente de asignar.",
)

ESCALATION_NOTES = (
    "Escalo a Especialistas: hay que revisar el servidor y desde primer nivel no tengo acceso.",
    "Paso a segundo nivel. Ya descarté la caché del navegador y los DNS del lado del cliente.",
    "Lo escalo a Especialistas; el cliente ya nos dio la información que le pedimos arriba.",
)

WORKING_NOTES = (
    "Sigo revisando; dejo aquí lo que encontré para quien lo retome.",
    "Reproduje el problema desde nuestra red. Continúo mañana a primera hora si no queda hoy.",
)

GENERIC_HOLD = (
    "Estamos esperando la respuesta de un proveedor externo para poder continuar. Dejamos su caso en espera y "
    "le escribimos en cuanto tengamos novedades; no es necesario que haga nada por ahora."
)

GENERIC_REFERRAL = (
    "Luis, ¿nos ayudas a revisar esto del lado de infraestructura? El contexto está en la conversación.",
    "Revisé del lado de infraestructura: no hay fallas en el servidor ni en la red. Dejé las gráficas de "
    "carga en el tablero de monitoreo.",
)

# Someone wrote twice about the same thing through another channel.
DUPLICATE_OPENING = "Hola, les escribí hace un rato por {canal} sobre esto mismo y todavía no tengo respuesta. "

# What an agent writes when a phone-only customer's side of the conversation happens on a call.
PHONE_OPENING = "Llamada de {cliente}: {resumen}. Le indiqué que le daremos seguimiento por este medio."
PHONE_ANSWER = "Hablé con {cliente} por teléfono. Comenta: «{respuesta}»"
PHONE_FOLLOW_UP = "{cliente} volvió a llamar para preguntar por el avance de su caso."
PHONE_THANKS = "{cliente} confirmó por teléfono que ya quedó resuelto."
PHONE_REPLY = "Llamé a {cliente} y le comenté lo siguiente:\n\n{texto}"

SIGNATURE = "\n\nSaludos cordiales,\n{agente}\nSoporte técnico · Nopal Hosting"
CUSTOMER_SIGNATURE = "\n\nSaludos,\n{cliente}"


# --- a mail outage: one problem ticket and the incidents of other customers, linked as children --

OUTAGE_PARENT_SUBJECT = "No podemos enviar correos desde la redacción"
OUTAGE_PARENT_OPENING = (
    "Desde hace unos 20 minutos nadie en la redacción puede enviar correos: Outlook se queda en «enviando» y "
    "luego marca error de tiempo de espera. Recibir sí recibimos. Estamos en cierre de edición, ¿nos ayudan, "
    "por favor?"
)
OUTAGE_PROBLEM_SUBJECT = "Falla general al enviar correo desde el servidor mail2"
OUTAGE_CHILDREN = (
    ("Los correos se quedan en la bandeja de salida",
     "Hola, desde hace rato ningún correo sale de {buzon}; se quedan en la bandeja de salida. Recibir sí "
     "recibimos."),
    ("Error al enviar correo desde {buzon}",
     "Me aparece un error de tiempo de espera cada vez que intento enviar desde {buzon}. ¿Está fallando algo?"),
    ("No salen los correos de compras",
     "Buenos días. En el área de compras no podemos enviar correos desde hace media hora. ¿Tienen alguna "
     "falla?"),
)
OUTAGE_REFERRAL = (
    "Luis, el servicio SMTP de mail2 no responde en el puerto 465 y ya hay varios clientes afectados. ¿Puedes "
    "revisarlo con prioridad?"
)
OUTAGE_ACK = (
    "Confirmamos una falla en uno de nuestros servidores de correo que impide enviar mensajes; la recepción no "
    "está afectada. Nuestro equipo de infraestructura ya está trabajando en ello y le avisaremos por este medio "
    "en cuanto se restablezca. Los mensajes que intentó enviar se quedan en la bandeja de salida y no se "
    "pierden."
)
OUTAGE_LINKED_NOTE = "Vinculé como hijos de este ticket los reportes de otros clientes afectados por la misma falla."
OUTAGE_CAUSE = (
    "Causa: el certificado del servicio SMTP de mail2 se renovó anoche y el servicio no se reinició bien; se "
    "quedaba colgado al negociar TLS. Ya lo reinicié y la cola de salida se está vaciando. Agrego una alerta "
    "para que no vuelva a pasar desapercibido."
)
OUTAGE_SOLUTION = (
    "El envío de correo ya se restableció. La causa fue un servicio que no se reinició correctamente después "
    "de renovar un certificado en el servidor. Los mensajes de su bandeja de salida deberían enviarse solos en "
    "los próximos minutos; si alguno se queda atorado, basta con volver a enviarlo. Una disculpa por las "
    "molestias."
)
OUTAGE_THANKS = "Confirmado, ya salieron todos los correos de la redacción. Gracias por la rapidez."

# --- a DNS migration project: one task per domain under a parent -------------------------------------

MIGRATION_SUBJECT = "Migración de la zona DNS de nuestros dominios"
MIGRATION_OPENING = (
    "Hola. Como lo platicamos con Mariana, queremos que ustedes administren los DNS de nuestros tres dominios "
    "(mercazona.com.mx, mercazona.mx y envios-mercazona.mx), que hoy están con otro proveedor. No puede haber "
    "interrupción en la tienda ni en el correo. ¿Cómo lo organizamos?"
)
MIGRATION_PLAN = (
    "Con gusto. Vamos a migrar un dominio a la vez, empezando por el de menor tráfico, para validar el "
    "procedimiento sin riesgo. Abrí una solicitud por dominio para darles seguimiento por separado y aquí "
    "iremos concentrando el avance general."
)
MIGRATION_CHILDREN = (
    ("envios-mercazona.mx",
     "Abrimos esta solicitud para la migración de envios-mercazona.mx. Ya copiamos la zona actual (14 "
     "registros) a nuestros servidores; antes de cambiar los servidores de nombres, por favor confirmen que la "
     "lista está completa. La pueden ver en su panel, en DNS › envios-mercazona.mx."),
    ("mercazona.mx",
     "Abrimos esta solicitud para la migración de mercazona.mx. Al copiar la zona encontramos tres registros "
     "TXT de verificación que no sabemos a qué servicio pertenecen (google-site-verification, "
     "facebook-domain-verification y uno sin prefijo). ¿Nos confirman si siguen en uso? Hasta entonces no "
     "cambiaremos nada."),
    ("mercazona.com.mx",
     "Abrimos esta solicitud para la migración de mercazona.com.mx. Como este dominio recibe la mayor parte del "
     "tráfico de la tienda, haremos el cambio en la próxima ventana de mantenimiento acordada con su equipo. "
     "Dejamos la solicitud en espera hasta esa fecha."),
)
MIGRATION_CHILD_SUBJECT = "Migrar la zona DNS de {dominio}"
MIGRATION_CHILD_NOTES = (
    "",
    "Los TXT parecen de Google Search Console y de Facebook; no los omitimos sin confirmación del cliente.",
    "Ventana de mantenimiento acordada con Miguel Ángel (devops de MercaZona): madrugada del martes, 2:00 h.",
)
MIGRATION_CHILD_ANSWER = "Revisado: la lista está completa. Adelante con el cambio."
MIGRATION_CHILD_SOLUTION = (
    "Cambiamos los servidores de nombres de envios-mercazona.mx. La propagación terminó y verificamos que el "
    "sitio, el correo y la API de rastreo de envíos respondan igual que antes."
)
MIGRATION_PROGRESS_NOTE = (
    "Avance: envios-mercazona.mx migrado y cerrado; mercazona.mx espera que el cliente confirme tres registros "
    "TXT; mercazona.com.mx queda para la ventana de mantenimiento."
)
MIGRATION_PROGRESS = (
    "Le comparto el avance: envios-mercazona.mx ya está migrado y funcionando; en mercazona.mx esperamos su "
    "confirmación sobre tres registros TXT, y mercazona.com.mx lo cambiaremos en la próxima ventana de "
    "mantenimiento. Dejamos esta solicitud en espera mientras se completan las otras dos; cada una tiene su "
    "propio seguimiento."
)
MIGRATION_CUSTOMER_REPLY = (
    "Gracias, Fernanda. Les confirmamos lo de los registros TXT en cuanto hablemos con el proveedor de la tienda."
)
