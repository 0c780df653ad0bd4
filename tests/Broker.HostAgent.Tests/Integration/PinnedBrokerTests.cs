using System.Net;
using Broker.Contracts.Tls;
using Broker.Core.Hosts;
using Broker.HostAgent.Enrollment;
using Broker.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// broker-server serving HTTPS (Kestrel, one port for portal, API and gRPC) with a self-signed
/// certificate, and a host that enrolls with its fingerprint: enrollment and the agent's stream
/// trust exactly that certificate; a wrong fingerprint, or none, is refused before anything is sent.
/// </summary>
public sealed class PinnedBrokerTests
{
    [Fact]
    public async Task A_host_enrolled_with_the_brokers_fingerprint_enrolls_and_connects_over_https_and_a_wrong_one_is_refused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("broker-pinned-");
        using var certificate = TestCertificates.SelfSigned("broker");
        using var impostor = TestCertificates.SelfSigned("impostor");
        await using var broker = new BrokerServerFactory(directory.File("broker"));
        broker.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.UseHttps(certificate);
            listen.Protocols = HttpProtocols.Http1AndHttp2;
        }));
        broker.StartServer();
        var address = new Uri(broker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        address.Scheme.ShouldBe(Uri.UriSchemeHttps);
        var (host, token) = await HostAgentWorld.CreateEnrollmentTokenAsync(broker.Services, cancellationToken);
        var data = directory.File("host");

        var wrongPin = CertificatePin.Of(impostor);
        var mispinned = await Should.ThrowAsync<RpcException>(() => HostEnrollment.EnrollAsync(address, token, wrongPin, data, null, cancellationToken));
        wrongPin.DescribeRefusal(mispinned).ShouldNotBeNull(mispinned.ToString()).ShouldContain("not the pinned one");
        var unpinned = await Should.ThrowAsync<RpcException>(() => HostEnrollment.EnrollAsync(address, token, null, data, null, cancellationToken));
        CertificatePin.Of(certificate).DescribeRefusal(unpinned).ShouldNotBeNull($"a self-signed certificate is not trusted without its fingerprint: {unpinned}");
        (await HostIdentity.LoadAsync(data, cancellationToken)).ShouldBeNull("nothing is kept of a refused enrollment");

        var pin = CertificatePin.Of(certificate);
        var identity = await HostEnrollment.EnrollAsync(address, token, pin, data, null, cancellationToken);
        (await HostIdentity.LoadAsync(data, cancellationToken)).ShouldNotBeNull().BrokerPin.ShouldBe(pin);

        await using var agent = HostAgentApp.Build(
            [$"--Broker:DataDirectory={data}", "--Serilog:MinimumLevel:Default=Warning", "--HostAgent:TransferPort=0", "--HostAgent:MinFreeBytes=0"],
            identity);
        await agent.StartAsync(cancellationToken);
        await HostAgentWorld.WaitUntilAsync(
            async () =>
            {
                await using var scope = broker.Services.CreateAsyncScope();
                return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(host, cancellationToken))?.Health == HostHealth.Healthy;
            },
            "the host's stream over the pinned connection makes it healthy",
            cancellationToken);
        await agent.StopAsync(cancellationToken);
    }
}
