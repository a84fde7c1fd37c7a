using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Marketplace.Notifications.Email.Transport;

/// <summary>Hands mails to the configured SMTP server through MailKit, one connection per mail.</summary>
internal sealed class SmtpMailTransport(IOptions<EmailOptions> options) : IMailTransport
{
    public string Description
    {
        get
        {
            var smtp = options.Value.Smtp;
            return $"smtp {smtp.Host}:{smtp.Port} ({smtp.Security})";
        }
    }

    public async Task SendAsync(MailToSend mail, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var smtp = settings.Smtp;
        if (!MailboxAddress.TryParse(mail.Recipient, out var recipient))
        {
            throw new MailRefusedException($"'{MailAddresses.Masked(mail.Recipient)}' is no email address.");
        }

        using var message = Compose(mail, recipient, settings);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500 && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted)
        {
            throw new MailRefusedException($"The SMTP server refused the mail for good: {(int)e.StatusCode} {e.Message}", e);
        }
    }

    private static MimeMessage Compose(MailToSend mail, MailboxAddress recipient, EmailOptions settings)
    {
        var from = new MailboxAddress(settings.FromName, settings.FromAddress);
        var message = new MimeMessage
        {
            Subject = mail.Subject,
            Body = new BodyBuilder { HtmlBody = mail.HtmlBody, TextBody = mail.TextBody }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(recipient);
        message.MessageId = $"{mail.MailId:N}@{from.Domain}";
        message.Headers.Add("X-Marketplace-Mail-Kind", mail.Kind);
        return message;
    }
}
