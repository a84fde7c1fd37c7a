using Marketplace.TestSupport;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Marketplace.Config.Sources;
using Marketplace.Config.Sources.Consul;
using Xunit;

namespace Marketplace.Config.Tests.Sources.Consul;

/// <summary>The KV client over TLS to an agent whose certificate a private CA signed.</summary>
public sealed class ConsulTlsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_https_agent_signed_by_the_configured_ca_is_trusted_and_without_the_ca_it_is_refused()
    {
        using var authority = CreateAuthority();
        using var serverCertificate = CreateServerCertificate(authority);
        var caFile = _directory.File("ca.pem");
        await File.WriteAllTextAsync(caFile, authority.ExportCertificatePem());
        await using var consul = await ConsulKvDouble.StartNewAsync(serverCertificate);
        consul.Put("shop/rules/a", "{}");

        using var trusting = new ConsulKvClient(new ConsulOptions { Address = consul.Address, CaCertificateFile = caFile });
        using var untrusting = new ConsulKvClient(new ConsulOptions { Address = consul.Address });

        Assert.StartsWith("https://", consul.Address, StringComparison.Ordinal);
        Assert.Single((await trusting.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None)).Entries);
        await Assert.ThrowsAsync<RuleSourceUnavailableException>(() => untrusting.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    private static X509Certificate2 CreateAuthority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Marketplace Test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 CreateServerCertificate(X509Certificate2 authority)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=consul.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
