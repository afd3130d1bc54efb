"""The demo's help center: a .mx domain registrar and hosting company's articles, in Mexican
Spanish, with a few English translations. Plain data; `kb.py` loads it through the services."""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = (
    # key, name, English name, description, parent key
    ("dominios", "Dominios", "Domains", "Registro, renovación, transferencias y DNS de tus dominios.", ""),
    ("dns", "DNS", "DNS", "Registros A, CNAME, MX y TXT.", "dominios"),
    ("correo", "Correo", "Email", "Cuentas de correo, Outlook, Gmail y el celular.", ""),
    ("hosting", "Hosting y sitios", "Hosting and websites", "cPanel, WordPress, respaldos y certificados SSL.", ""),
    ("ssl", "Certificados SSL", "SSL certificates", "El candadito del navegador.", "hosting"),
    ("facturacion", "Facturación y pagos", "Billing and payments", "CFDI, formas de pago y constancias.", ""),
)


@dataclass(frozen=True)
class DemoArticle:
    key: str
    category: str
    title: str
    body: str
    visibility: str = "public"
    plans: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    translation_of: str = ""
    language: str = "es"


ARTICLES = (
    DemoArticle("renovar", "dominios", "Cómo renovar tu dominio .mx", """Tu dominio se renueva desde **Mi cuenta › Dominios**.

1. Entra a tu cuenta y elige el dominio.
2. Da clic en **Renovar** y escoge de 1 a 10 años.
3. Paga con tarjeta, transferencia SPEI o en OXXO.

Te avisamos por correo 30, 15 y 3 días antes del vencimiento. Si el dominio ya venció, tienes **30 días de gracia** para renovarlo al precio normal; después entra en periodo de rescate con un cargo adicional.

> Activa la **renovación automática** para no perder tu dominio por una tarjeta vencida.
""", related=("vencido", "spei")),
    DemoArticle("vencido", "dominios", "Mi dominio venció: ¿lo perdí?", """No de inmediato. Cuando un dominio .mx vence:

- **Días 1 a 30:** el sitio y el correo dejan de funcionar, pero puedes renovarlo al precio normal.
- **Días 31 a 60:** periodo de rescate; la renovación tiene un cargo de recuperación.
- **Después del día 60:** el dominio se libera y cualquiera puede registrarlo.

Si tu página dice "dominio suspendido", renueva y espera de 1 a 4 horas a que los DNS se actualicen.
""", related=("renovar",)),
    DemoArticle("transferir", "dominios", "Transferir un dominio .mx a nuestra empresa", """Necesitas el **código de autorización** (authcode) que te da tu proveedor actual.

1. Pide el authcode a tu proveedor y confirma que el dominio no esté bloqueado.
2. En nuestra página elige **Transferir dominio** y pega el código.
3. Aprueba el correo de confirmación que llega al contacto administrativo.

La transferencia tarda de 1 a 5 días y **agrega un año** a la vigencia. Tu sitio y tu correo siguen funcionando mientras tanto si no cambias los DNS.
"""),
    DemoArticle("apuntar", "dns", "Cómo apuntar tu dominio a tu hosting (registros A y CNAME)", """Para que tu dominio muestre tu página hay que apuntarlo:

| Registro | Nombre | Valor |
|---|---|---|
| A | @ | la IP de tu hosting (en cPanel, barra derecha) |
| CNAME | www | tudominio.mx |

Los cambios tardan **de 15 minutos a 24 horas** en verse en todo el mundo (propagación). Si usas nuestros servidores de nombres `ns1.example.mx` y `ns2.example.mx`, no tienes que hacer nada más.
""", related=("propagacion", "mx")),
    DemoArticle("propagacion", "dns", "Cambié los DNS y mi página no abre: propagación", """Después de cambiar DNS o servidores de nombres, cada proveedor de internet guarda la dirección anterior un tiempo (TTL).

- Prueba desde los datos del celular, no desde el wifi de la oficina.
- Borra la caché de DNS: en Windows, `ipconfig /flushdns`.
- Revisa con una herramienta de propagación de DNS en línea.

Si después de **24 horas** sigue sin abrir, escríbenos con el dominio y una captura del error.
"""),
    DemoArticle("mx", "dns", "Registros MX: a dónde llega tu correo", """Los registros **MX** dicen a qué servidor entregar el correo de tu dominio.

- Correo con nosotros: `mail.tudominio.mx` con prioridad 0.
- Google Workspace o Microsoft 365: usa los valores que te da ese proveedor y **borra** los nuestros.

Tener registros MX de dos proveedores a la vez hace que unos correos lleguen y otros no.
""", related=("no-llega",)),
    DemoArticle("spf", "dns", "SPF, DKIM y DMARC: que tus correos no lleguen a spam", """Tres registros TXT que prueban que tus correos son tuyos:

- **SPF:** `v=spf1 include:_spf.example.mx ~all`
- **DKIM:** actívalo en cPanel › Correo › Entregabilidad.
- **DMARC:** `v=DMARC1; p=none; rua=mailto:dmarc@tudominio.mx`

Con los tres, Gmail y Outlook confían en tus correos y dejan de mandarlos a spam.
""", related=("spam",)),
    DemoArticle("no-llega", "correo", "Mi correo no llega: revisa esto primero", """Si no te llegan correos (o "no te jala el correo"):

1. **¿Tu buzón está lleno?** Entra al webmail y revisa el espacio usado.
2. **¿Los registros MX apuntan a nosotros?** Revisa el artículo de registros MX.
3. **¿Está en spam?** Busca en la carpeta de correo no deseado.
4. **¿Tu dominio está vigente?** Un dominio vencido no recibe correo.

Si el remitente recibe un rebote, pídele el mensaje completo del error y mándanoslo.
""", related=("mx", "buzon-lleno", "spam")),
    DemoArticle("spam", "correo", "Mis correos llegan a spam", """Cuando tus correos llegan a la carpeta de spam de tus clientes:

- Configura **SPF, DKIM y DMARC**.
- Evita asuntos en mayúsculas y palabras como "GRATIS".
- No mandes correos masivos desde tu cuenta normal: usa una plataforma de envíos.
"""),
    DemoArticle("buzon-lleno", "correo", "Buzón lleno: cómo liberar espacio", """Un buzón lleno rechaza los correos nuevos.

1. Entra al **webmail** y vacía la papelera y la carpeta de spam.
2. Borra correos con adjuntos grandes.
3. En cPanel › Cuentas de correo puedes **aumentar la cuota** si tu plan lo permite.

Si usas Outlook con IMAP, borrar en Outlook también libera espacio en el servidor.
"""),
    DemoArticle("outlook", "correo", "Configurar tu correo en Outlook", """Datos para Outlook (IMAP, recomendado):

- **Servidor entrante:** `mail.tudominio.mx`, puerto 993, SSL/TLS
- **Servidor saliente (SMTP):** `mail.tudominio.mx`, puerto 465, SSL/TLS
- **Usuario:** tu dirección completa
- **Contraseña (password):** la de tu cuenta de correo

Si Outlook pide la contraseña una y otra vez, revisa que el usuario sea la dirección completa.
""", related=("celular",)),
    DemoArticle("celular", "correo", "Configurar tu correo en el celular (Android y iPhone)", """En **iPhone:** Ajustes › Mail › Cuentas › Agregar cuenta › Otra.
En **Android (Gmail):** Agregar cuenta › Otro › IMAP personal.

Usa los mismos datos que en Outlook: `mail.tudominio.mx`, puertos 993 (entrada) y 465 (salida), SSL.
"""),
    DemoArticle("contrasena", "correo", "Olvidé la contraseña de mi correo", """Puedes cambiarla tú mismo:

1. Entra a **cPanel › Cuentas de correo**.
2. Junto a la cuenta, da clic en **Administrar** y luego en **Cambiar contraseña**.
3. Actualízala también en Outlook y en tu celular.

Si olvidaste la contraseña de cPanel, recupérala desde Mi cuenta › Hosting › Restablecer acceso.
"""),
    DemoArticle("candadito", "ssl", "Mi sitio no muestra el candadito (SSL)", """El **candadito** aparece cuando tu sitio tiene un certificado SSL válido y carga todo por `https://`.

1. En cPanel › **SSL/TLS Status**, da clic en **Run AutoSSL**.
2. Espera unos minutos y abre `https://tudominio.mx`.
3. Si el navegador dice "no es seguro" con certificado válido, tu página carga imágenes por `http://`: cámbialas a `https://`.

En WordPress, cambia la **dirección del sitio** a `https://` en Ajustes › Generales.
""", related=("autossl", "wordpress-https")),
    DemoArticle("autossl", "ssl", "AutoSSL no se renovó: certificado vencido", """AutoSSL renueva gratis los certificados cada 90 días, pero falla cuando:

- El dominio no apunta a nuestro servidor (revisa los registros A).
- Hay un registro **CAA** que no permite emitir certificados.
- El sitio redirige todo a otro dominio.

Corrige el problema y vuelve a ejecutar AutoSSL desde cPanel.
"""),
    DemoArticle("wordpress-https", "hosting", "Forzar https en WordPress", """Después de instalar el SSL:

1. Ajustes › Generales: cambia **Dirección de WordPress** y **Dirección del sitio** a `https://`.
2. Agrega la redirección en `.htaccess` desde cPanel › Dominios › Forzar redirección HTTPS.
3. Reemplaza los enlaces viejos con un plugin de búsqueda y reemplazo.
"""),
    DemoArticle("wordpress-500", "hosting", "Mi WordPress muestra error 500", """Un **error 500** casi siempre viene de un plugin o del tema.

1. En cPanel › Administrador de archivos, renombra la carpeta `wp-content/plugins` a `plugins-off`.
2. Si la página abre, regresa el nombre y desactiva los plugins uno por uno.
3. Revisa que tu versión de PHP (cPanel › Seleccionar versión de PHP) sea 8.1 o mayor.

Si nada funciona, restaura un respaldo de ayer.
""", related=("respaldos",)),
    DemoArticle("wordpress-lento", "hosting", "Mi página en WordPress está lenta", """Para acelerar tu WordPress:

- Activa un plugin de caché.
- Comprime las imágenes antes de subirlas.
- Quita plugins que no uses.
- Revisa en cPanel › Uso de recursos si llegas al límite de tu plan.
"""),
    DemoArticle("respaldos", "hosting", "Respaldos (backups): cómo restaurar tu sitio", """Guardamos **respaldos diarios de los últimos 7 días** de tus archivos, bases de datos y correo.

1. Entra a cPanel › **JetBackup**.
2. Elige la fecha y lo que quieres restaurar (archivos, base de datos o correo).
3. Da clic en **Restaurar**.

Te recomendamos descargar un respaldo completo al mes y guardarlo fuera del servidor.
"""),
    DemoArticle("cpanel", "hosting", "Cómo entrar a cPanel", """Entra desde **Mi cuenta › Hosting › Entrar a cPanel**, o directo en `https://tudominio.mx:2083`.

Si no recuerdas la contraseña, restablécela desde Mi cuenta. Por seguridad, cPanel te bloquea 15 minutos después de 5 intentos fallidos.
"""),
    DemoArticle("ftp", "hosting", "Subir archivos por FTP", """Usa un programa como FileZilla con:

- **Servidor:** `ftp.tudominio.mx`
- **Puerto:** 21 (FTP con TLS)
- **Usuario y contraseña:** los de cPanel o una cuenta FTP que crees en cPanel › Cuentas FTP.

Tus archivos públicos van en la carpeta `public_html`.
"""),
    DemoArticle("cfdi", "facturacion", "Cómo pedir tu factura (CFDI 4.0)", """Para facturar tu pago necesitamos tus datos **tal como aparecen en tu Constancia de Situación Fiscal**:

- RFC
- Nombre o razón social (sin "S.A. de C.V." si no aparece en la constancia)
- Código postal fiscal
- Régimen fiscal
- Uso de CFDI (normalmente **G03 Gastos en general**)

Captúralos en **Mi cuenta › Datos de facturación** antes de pagar y la factura llega a tu correo. Solo podemos facturar pagos del **mes en curso**.
""", related=("spei",)),
    DemoArticle("spei", "facturacion", "Formas de pago: tarjeta, SPEI y OXXO", """Aceptamos:

- **Tarjeta** de crédito o débito (se acredita al momento).
- **Transferencia SPEI** con la referencia de tu orden (se acredita en minutos).
- **Pago en OXXO** con la ficha de tu orden (se acredita en 24 horas hábiles).

Si pagaste y tu servicio sigue suspendido después de esos tiempos, mándanos tu comprobante.
"""),
    DemoArticle("empresarial", "hosting", "Línea directa para clientes del plan Empresarial", """Como cliente del plan **Empresarial** tienes:

- Atención **24/7** por teléfono al 55 5000 0000 (opción 1).
- Un gerente de cuenta asignado.
- Respaldos cada hora y restauraciones sin costo.
""", visibility="customers", plans=("Empresarial",)),
    DemoArticle("precios-renovacion", "facturacion", "Precios de renovación para clientes", """Los precios de renovación vigentes para clientes con cuenta están en **Mi cuenta › Servicios**.

Si tienes más de 10 dominios con nosotros, pide a soporte el precio por volumen.
""", visibility="customers"),
    DemoArticle("interno-reembolsos", "facturacion", "Procedimiento interno: reembolsos y cancelaciones", """**Solo para agentes.**

1. Reembolsos solo dentro de los 30 días del pago y sin uso del servicio.
2. Dominios **no** son reembolsables (ya se pagaron al registro).
3. Pide autorización a supervisión en la nota interna del ticket antes de confirmar al cliente.
4. Cancela el CFDI en el portal de facturación con motivo 02.
""", visibility="internal"),
    DemoArticle("renew-en", "dominios", "How to renew your .mx domain", """Renew your domain from **My account › Domains**.

1. Sign in and choose the domain.
2. Click **Renew** and choose 1 to 10 years.
3. Pay by card, SPEI transfer or at OXXO.

We remind you by email 30, 15 and 3 days before it expires. An expired domain has a **30-day grace period** at the normal price.
""", translation_of="renovar", language="en"),
    DemoArticle("padlock-en", "ssl", "My website does not show the padlock (SSL)", """The **padlock** appears when your site has a valid SSL certificate and loads everything over `https://`.

1. In cPanel › **SSL/TLS Status**, click **Run AutoSSL**.
2. Wait a few minutes and open `https://yourdomain.mx`.
3. If the browser says "not secure" with a valid certificate, your page loads images over `http://`.
""", translation_of="candadito", language="en"),
    DemoArticle("email-en", "correo", "My email is not arriving: check this first", """If you are not receiving email:

1. **Is your mailbox full?** Check the space used in webmail.
2. **Do your MX records point to us?**
3. **Is it in spam?**
4. **Is your domain active?** An expired domain receives no email.
""", translation_of="no-llega", language="en"),
    DemoArticle("cfdi-en", "facturacion", "How to request your invoice (CFDI 4.0)", """We need your details **exactly as in your Constancia de Situación Fiscal**: RFC, legal name, tax postal code, tax regime and CFDI use (usually **G03**).

Enter them in **My account › Billing details** before paying; the invoice arrives by email. We can only invoice payments of the **current month**.
""", translation_of="cfdi", language="en"),
)
