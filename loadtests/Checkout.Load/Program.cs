using Marketplace.Checkout.Load;

var options = LoadOptions.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync($"checkout-load: {error}\n{LoadOptions.Usage}");
    return 2;
}

// Hundreds of requests start at once; the pool must not ramp its threads up one by one while the clock runs.
ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), Math.Max(64, Environment.ProcessorCount * 8));
using var http = Storefront.Client(options.BaseUrl, TimeSpan.FromSeconds(options.TimeoutSeconds), options.TrustCertificate, options.HttpVersion);
var storefront = new Storefront(http);
try
{
    return options.Scenario switch
    {
        "contention" => await ContentionRun.RunAsync(options, storefront, CancellationToken.None),
        "cluster" => await ClusterRun.RunAsync(options, storefront, CancellationToken.None),
        _ => await ThroughputRun.RunAsync(options, storefront, CancellationToken.None),
    };
}
catch (SetupFailedException exception)
{
    await Console.Error.WriteLineAsync($"checkout-load: setup failed: {exception.Message}");
    return 3;
}
