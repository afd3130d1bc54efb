"""The glossary a new installation starts with: hosting, domains and email terms and the plain
words to use instead (admins edit it on the reply checker's settings page)."""

JARGON_ES = """DNS: la configuración de tu dominio
registros DNS: la configuración de tu dominio
propagación: el tiempo que tarda el cambio en verse en todo internet
nameservers: los servidores que indican dónde está tu sitio
servidores de nombres: los servidores que indican dónde está tu sitio
registro MX: la configuración que dirige tu correo
registro A: la configuración que dirige tu sitio
CNAME: un alias de tu dominio
TTL: el tiempo que tarda en actualizarse el cambio
SSL: el certificado de seguridad (el candado del navegador)
TLS: la conexión segura
SMTP: el servidor de salida del correo
IMAP: la forma en que tu programa de correo lee los mensajes
POP3: la forma en que tu programa de correo descarga los mensajes
FTP: la forma de subir archivos a tu sitio
SFTP: la forma segura de subir archivos a tu sitio
SSH: el acceso por consola al servidor
SPF: la autorización para enviar correo con tu dominio
DKIM: la firma que prueba que el correo es tuyo
DMARC: la regla que protege tu dominio de suplantaciones
dirección IP: la dirección de tu servidor
VPS: tu servidor privado
caché: la copia guardada de tu sitio
PHP: el lenguaje en que funciona tu sitio
base de datos: donde se guarda la información de tu sitio
WHOIS: los datos públicos de quién es dueño del dominio
código EPP: el código para transferir tu dominio
.htaccess: un archivo de configuración de tu sitio
cron: una tarea programada
rebote: un correo que no se pudo entregar
"""

JARGON_EN = """DNS: your domain's settings
DNS records: your domain's settings
propagation: the time the change takes to reach the whole internet
nameservers: the servers that say where your site lives
MX record: the setting that routes your email
A record: the setting that points your domain to your site
CNAME: an alias for your domain
TTL: the time a change takes to apply
SSL: the security certificate (the padlock in the browser)
TLS: the secure connection
SMTP: the outgoing mail server
IMAP: how your mail program reads messages
POP3: how your mail program downloads messages
FTP: the way to upload files to your site
SFTP: the secure way to upload files to your site
SSH: command-line access to the server
SPF: the permission to send mail as your domain
DKIM: the signature that proves the mail is yours
DMARC: the rule that protects your domain from impersonation
IP address: your server's address
VPS: your private server
cache: the saved copy of your site
PHP: the language your site runs on
database: where your site keeps its information
WHOIS: the public record of who owns the domain
EPP code: the code to transfer your domain
.htaccess: a settings file for your site
cron: a scheduled task
bounce: an email that could not be delivered
"""
