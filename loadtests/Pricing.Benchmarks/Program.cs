using BenchmarkDotNet.Running;

// dotnet run -c Release --project loadtests/Pricing.Benchmarks -- --filter '*'   (add --job short for a quick run)
BenchmarkSwitcher.FromAssembly(typeof(Marketplace.Pricing.Benchmarks.CartPricingBenchmarks).Assembly).Run(args);
