using MailKit.Security;

namespace Marketplace.Notifications.Email;

/// <summary>Customer and seller mail: the sender, the SMTP server, and the pace of the mail outbox; bound from <c>Notifications:Email</c>.</summary>
internal sealed class EmailOptions
{
    public const string Section = "Notifications:Email";

    /// <summary>The From address of every mail.</summary>
    public string FromAddress { get; set; } = "no-reply@marketplace.local";

    /// <summary>The From display name.</summary>
    public string FromName { get; set; } = "Marketplace";

    /// <summary>The SMTP server; mail goes to the log instead while its host is unset.</summary>
    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>How often the dispatcher looks for mails due to be sent.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most mails one replica claims per round.</summary>
    public int DispatchBatchSize { get; set; } = 20;

    /// <summary>Most mails one replica sends at once (each on its own SMTP connection).</summary>
    public int DispatchConcurrency { get; set; } = 4;

    /// <summary>
    /// How long a claimed mail is held by its replica. A round's outcomes are saved together once its batch is sent, so
    /// this must exceed a round at its worst: <see cref="DispatchBatchSize"/> / <see cref="DispatchConcurrency"/> SMTP
    /// timeouts (5 × 30 s by default).
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>The wait after the first failed attempt; it doubles with each further failure, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts of one mail.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a mail is retried, from when it was queued, before it is given up.</summary>
    public TimeSpan MaxMailAge { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// "Someone tried to register your address" goes at most once per address in this window: anyone can trigger it as
    /// often as the registration rate limit allows.
    /// </summary>
    public TimeSpan AccountNoticeWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the log of sent and given-up mails is kept (their bodies are dropped once sent).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often mails past <see cref="Retention"/> are deleted.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>The SMTP server mails are handed to; bound from <c>Notifications:Email:Smtp</c>.</summary>
internal sealed class SmtpSettings
{
    /// <summary>The server's host name; unset, mail is written to the log only.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>
    /// How the connection is secured: <c>StartTls</c> (the default, for port 587), <c>SslOnConnect</c> (port 465),
    /// <c>StartTlsWhenAvailable</c>, <c>Auto</c>, or <c>None</c> (only for a relay on a trusted network).
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>The user to authenticate as; no authentication when unset.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How long connecting, and each command of one send, may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
