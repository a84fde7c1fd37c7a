using Marketplace.Platform.Paging;

namespace Marketplace.Config;

/// <summary>Where runtime rules come from and how they are watched; bound from <c>Config</c>.</summary>
internal sealed class ConfigOptions
{
    /// <summary>Directory of the <c>{section}.json</c> files when Consul is not configured; relative to the content root.</summary>
    public string RuntimeDirectory { get; set; } = "config/runtime";

    /// <summary>
    /// File that keeps the last rule set that passed validation, so that a cold start while the source is down
    /// still serves rules. Relative paths are under <c>Database:DataDirectory</c>.
    /// </summary>
    public string LastGoodPath { get; set; } = "config/last-good-rules.json";

    /// <summary>How long the rule files must stay quiet after a change before they are read (editors write in parts).</summary>
    public TimeSpan FileDebounce { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// How many more reads, <see cref="FileDebounce"/> apart, a changed file gets until two agree; a file still being
    /// written is not offered half done.
    /// </summary>
    public int FileSettleAttempts { get; set; } = 20;

    /// <summary>The files are also re-read this often, in case the file system dropped a change notification.</summary>
    public TimeSpan FileRescanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long start-up waits for the first read from the source before serving the last good rules.</summary>
    public TimeSpan StartupReadTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest rule document the marketing API accepts (Consul refuses values over 512 KiB).</summary>
    public int MaxDocumentBytes { get; set; } = 512 * 1024;

    /// <summary>Audit entries per page when the caller does not say.</summary>
    public int DefaultAuditPageSize { get; set; } = 20;

    /// <summary>Most audit entries one page may hold.</summary>
    public int MaxAuditPageSize { get; set; } = 100;

    public PageLimits AuditPageLimits => new(DefaultAuditPageSize, MaxAuditPageSize);

    public ConsulOptions Consul { get; set; } = new();
}

/// <summary>The Consul agent the rules are read from; used when <see cref="Address"/> is set. Bound from <c>Config:Consul</c>.</summary>
internal sealed class ConsulOptions
{
    /// <summary>For example <c>http://127.0.0.1:8500</c>, or an <c>https://</c> address for TLS.</summary>
    public string? Address { get; set; }

    /// <summary>ACL token sent as <c>X-Consul-Token</c>.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// File holding the ACL token (a Docker or Kubernetes secret), read at start-up when <see cref="Token"/> is empty,
    /// so that the token never sits in an environment variable.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>Key prefix; section <c>s</c> is the key <c>{Prefix}/s</c>.</summary>
    public string Prefix { get; set; } = "marketplace/rules";

    /// <summary>PEM file of the CA that signed the agent's certificate, when it is not in the system trust store.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Client certificate for mutual TLS: a PEM certificate (with <see cref="ClientKeyFile"/>) or a PKCS#12 file.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificateFile"/>; leave empty for a PKCS#12 file.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Password of a PKCS#12 <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>The <c>wait</c> of a blocking read: how long Consul holds the request when nothing changes (at most 10 minutes).</summary>
    public TimeSpan BlockingWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Time allowed to a request beyond its blocking wait (Consul adds up to wait/16 of jitter), and the whole time
    /// allowed to a request that does not block.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed to open a connection to the agent.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>First delay after a failed read; it doubles on each further failure, with jitter.</summary>
    public TimeSpan BackoffInitial { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between reads while Consul fails.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Blocking reads allowed back to back before the loop is rate limited (Consul's advice: a token bucket).</summary>
    public int ReadBurst { get; set; } = 3;

    /// <summary>While values churn, at most one blocking read per this period once the burst is spent.</summary>
    public TimeSpan ReadReplenishPeriod { get; set; } = TimeSpan.FromMilliseconds(500);
}
