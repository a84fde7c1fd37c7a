using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering.Tests.Resilience;

/// <summary>
/// The built API host (<c>dotnet Marketplace.Api.dll</c>) as a process of its own, on the databases, Redis and RabbitMQ
/// entity prefix of a test host and with its settings: another replica of it, which a test can kill outright.
/// </summary>
internal sealed class ApiProcess : IDisposable
{
    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts a replica of <paramref name="host"/> (which must have started) and waits until it answers ready.</summary>
    public static async Task<ApiProcess> StartAsync(MarketplaceFactory host, TimeSpan within)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Marketplace.Api.dll"), "--contentRoot", ApiDirectory(), "--urls", address.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var key in SharedSettings.Concat(host.Settings.Keys).Distinct())
        {
            if (configuration[key] is { } value)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        var child = new ApiProcess(Process.Start(start)!, address);
        child._process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var ready = await Eventually.ReadAsync(
            async () =>
            {
                try
                {
                    return (await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            up => up || child._process.HasExited,
            within);
        if (!ready)
        {
            var output = child.Output;
            child.Dispose();
            throw new InvalidOperationException($"The API process did not answer ready within {within}:\n{output}");
        }

        return child;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>SIGKILL, as a crash or an OOM kill ends it: no shutdown hook, no request finished.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>What the test host sets outside its <see cref="MarketplaceFactory.Settings"/> and a replica needs alike.</summary>
    private static readonly string[] SharedSettings =
    [
        "ConnectionStrings:Postgres", "ConnectionStrings:RabbitMq", "ConnectionStrings:Redis", "Messaging:EntityPrefix",
        "Messaging:Outbox:PollInterval", "Catalog:ListingCacheTtl", "Catalog:OfferSnapshotCacheTtl",
    ];

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The api project's folder (its appsettings and the runtime rules beside it), as the test host finds it.</summary>
    private static string ApiDirectory() => Path.Combine(SourceTree.Root, "api");
}
