using System.Diagnostics;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>The committed TypeScript client can never drift from the committed OpenAPI document (which another test keeps equal to the host's).</summary>
public sealed class TypeScriptClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_committed_typescript_client_is_what_the_openapi_document_generates_and_it_compiles()
    {
        var script = Path.Combine(SourceTree.Root, "scripts", "client-check.sh");
        using var check = Process.Start(new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = check.StandardOutput.ReadToEndAsync();
        var errors = check.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await check.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            check.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"scripts/client-check.sh did not finish within {Deadline}.");
        }

        Assert.True(check.ExitCode == 0, $"scripts/client-check.sh exited {check.ExitCode}:\n{await output}\n{await errors}");
    }
}
