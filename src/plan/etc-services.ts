// The /etc/services gostatic writes on bases it makes: well-known IANA port
// assignments (https://www.iana.org/assignments/service-names-port-numbers),
// so net.LookupPort knows more than Go's built-in handful. Format of
// services(5): name, port/protocol, aliases.
const SERVICES: readonly (readonly [name: string, port: string, aliases?: string])[] = [
  ['ftp-data', '20/tcp'],
  ['ftp', '21/tcp'],
  ['ssh', '22/tcp'],
  ['telnet', '23/tcp'],
  ['smtp', '25/tcp', 'mail'],
  ['domain', '53/tcp'],
  ['domain', '53/udp'],
  ['tftp', '69/udp'],
  ['gopher', '70/tcp'],
  ['http', '80/tcp', 'www'],
  ['kerberos', '88/tcp', 'kerberos5 krb5'],
  ['kerberos', '88/udp', 'kerberos5 krb5'],
  ['pop3', '110/tcp', 'pop-3'],
  ['sunrpc', '111/tcp', 'portmapper'],
  ['sunrpc', '111/udp', 'portmapper'],
  ['ntp', '123/udp'],
  ['imap2', '143/tcp', 'imap'],
  ['snmp', '161/udp'],
  ['imap3', '220/tcp'],
  ['ldap', '389/tcp'],
  ['https', '443/tcp'],
  ['submissions', '465/tcp', 'ssmtp smtps'],
  ['syslog', '514/udp'],
  ['submission', '587/tcp'],
  ['ldaps', '636/tcp'],
  ['ftps', '990/tcp'],
  ['imaps', '993/tcp'],
  ['pop3s', '995/tcp'],
  ['socks', '1080/tcp'],
  ['ms-sql-s', '1433/tcp'],
  ['mqtt', '1883/tcp'],
  ['nfs', '2049/tcp'],
  ['nfs', '2049/udp'],
  ['mysql', '3306/tcp'],
  ['postgresql', '5432/tcp', 'postgres'],
  ['amqp', '5672/tcp'],
  ['x11', '6000/tcp'],
  ['http-alt', '8080/tcp', 'webcache'],
]

export const ETC_SERVICES =
  '# Well-known services (IANA), written by gostatic.\n' +
  SERVICES.map(([name, port, aliases]) => `${name.padEnd(15)} ${port.padEnd(10)} ${aliases ?? ''}`.trimEnd()).join(
    '\n',
  ) +
  '\n'
