using Microsoft.Extensions.Logging;

namespace Marketplace.Notifications.Email.Transport;

/// <summary>
/// The embedded profile's mail: a log line per mail, naming its kind, subject and a masked recipient. Bodies are never
/// logged: they carry secrets (an invitation's code) and personal data.
/// </summary>
internal sealed partial class LogMailTransport(ILogger<LogMailTransport> logger) : IMailTransport
{
    public string Description => "log (no SMTP server configured)";

    public Task SendAsync(MailToSend mail, CancellationToken cancellationToken)
    {
        LogMail(logger, mail.Kind, mail.Subject, MailAddresses.Masked(mail.Recipient), mail.MailId);
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Mail {Kind} \"{Subject}\" to {Recipient} (id {MailId}); not sent: no SMTP server is configured")]
    private static partial void LogMail(ILogger logger, string kind, string subject, string recipient, Guid mailId);
}
