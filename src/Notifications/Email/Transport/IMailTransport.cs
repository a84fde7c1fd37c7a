namespace Marketplace.Notifications.Email.Transport;

/// <summary>
/// The email port: hands one rendered mail to whatever delivers mail (an SMTP server, or the log on the embedded
/// profile). Throws <see cref="MailRefusedException"/> when the mail can never go (the server refused the address);
/// any other failure is worth another attempt.
/// </summary>
internal interface IMailTransport
{
    /// <summary>What the start-up log and the system endpoint call this adapter.</summary>
    string Description { get; }

    Task SendAsync(MailToSend mail, CancellationToken cancellationToken);
}

/// <summary>A rendered mail. <paramref name="MailId"/> becomes its Message-Id, the same on every attempt, so a receiver can drop a repeat.</summary>
internal sealed record MailToSend(Guid MailId, string Kind, string Recipient, string Subject, string HtmlBody, string TextBody);

/// <summary>The server refused the mail for good (a 5xx for the sender or the recipient): retrying cannot help.</summary>
internal sealed class MailRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How an address is written where people other than its owner may read it (logs, errors).</summary>
internal static class MailAddresses
{
    /// <summary><c>j***@example.com</c>: enough to tell addresses apart in a log, not enough to write to one.</summary>
    public static string Masked(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }
}
