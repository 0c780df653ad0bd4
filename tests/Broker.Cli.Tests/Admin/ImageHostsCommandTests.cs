using System.Security.Cryptography;
using System.Text.Json;
using Broker.Core;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Cli.Tests.Admin;

/// <summary>
/// <c>brokerctl admin images show IMAGE</c> and <c>retry IMAGE</c> against the in-process broker:
/// an uploaded image's state on each host (text and <c>--json</c>, "n of m" in the list), a retry
/// that forgets the failed hosts, a second retry that changes nothing, and an unknown image (exit 1).
/// </summary>
public sealed class ImageHostsCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new("brokerctl-image-hosts-");

    private AdminBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        await _broker.LoginAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task ShowAndRetry_UploadWithAFailedHost_PrintTheHostsThenOfferItAgain()
    {
        var image = await UploadAsync("fedora", "42");
        var (full, roomy) = (await AddHostAsync("host-full"), await AddHostAsync("host-roomy"));
        await RecordAsync(image, full, ImageHostImportState.Failed, "no space left on device");
        await RecordAsync(image, roomy, ImageHostImportState.Imported, null);

        var show = await _broker.RunAsync("admin", "images", "show", "fedora:42");
        var json = await _broker.RunAsync("admin", "images", "show", image.ToString(), "--json");
        var list = await _broker.RunAsync("admin", "images", "list");
        var retry = await _broker.RunAsync("admin", "images", "retry", "fedora");
        var after = await _broker.RunAsync("admin", "images", "show", "fedora:42");
        var again = await _broker.RunAsync("admin", "images", "retry", image.ToString());

        show.ExitCode.ShouldBe(0, show.ToString());
        show.Out.ShouldContain("status:  Ready");
        show.Out.ShouldContain("hosts:   1 of 2 imported");
        var rows = show.Out.Split(Environment.NewLine).SkipWhile(line => !line.StartsWith("HOST", StringComparison.Ordinal)).Where(line => line.Length > 0).ToList();
        rows.Count.ShouldBe(3, show.ToString());
        rows[1].ShouldStartWith("host-full");
        rows[1].ShouldContain("Failed");
        rows[1].ShouldEndWith("no space left on device");
        rows[2].ShouldStartWith("host-roomy");
        rows[2].ShouldContain("Imported");
        json.ExitCode.ShouldBe(0, json.ToString());
        using (var reply = JsonDocument.Parse(json.Out))
        {
            var hosts = reply.RootElement.GetProperty("hosts").EnumerateArray().ToList();
            hosts.Select(host => host.GetProperty("hostId").GetGuid()).ShouldBe([full.Value, roomy.Value]);
            hosts[0].GetProperty("state").GetString().ShouldBe("Failed");
            hosts[0].GetProperty("detail").GetString().ShouldBe("no space left on device");
            reply.RootElement.GetProperty("hostsImported").GetInt32().ShouldBe(1);
            reply.RootElement.GetProperty("hostsTotal").GetInt32().ShouldBe(2);
        }

        list.Out.Split(Environment.NewLine)[0].ShouldContain("HOSTS");
        list.Out.ShouldContain("1 of 2");
        retry.ExitCode.ShouldBe(0, retry.ToString());
        retry.Out.ShouldBe($"image fedora 42 ({image}) is offered again to 1 host(s): Ready{Environment.NewLine}");
        after.Out.ShouldNotContain("host-full");
        after.Out.ShouldContain("host-roomy");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Out.ShouldBe($"no host failed image fedora 42 ({image}): nothing to retry{Environment.NewLine}");
    }

    [Fact]
    public async Task ShowAndRetry_UnknownImage_Exit1_WithTheBrokersMessage()
    {
        var unknown = Guid.NewGuid().ToString();

        var show = await _broker.RunAsync("admin", "images", "show", unknown);
        var retry = await _broker.RunAsync("admin", "images", "retry", unknown);
        var byName = await _broker.RunAsync("admin", "images", "retry", "nothing-by-this-name");

        show.ExitCode.ShouldBe(1, show.ToString());
        show.Error.ShouldStartWith("brokerctl: 404 NotFound: Not Found There is no image");
        retry.ExitCode.ShouldBe(1, retry.ToString());
        retry.Error.ShouldStartWith("brokerctl: 404 NotFound: Not Found There is no image");
        byName.ExitCode.ShouldBe(1, byName.ToString());
        byName.Error.ShouldContain("there is no image 'nothing-by-this-name'");
    }

    private async Task<Guid> UploadAsync(string name, string version)
    {
        var disk = _files.File($"{name}.raw");
        await File.WriteAllBytesAsync(disk, RandomNumberGenerator.GetBytes(8 * 512), TestContext.Current.CancellationToken);
        var run = await _broker.RunAsync("admin", "images", "import", disk, "--name", name, "--version", version, "--json");
        run.ExitCode.ShouldBe(0, run.ToString());
        using var reply = JsonDocument.Parse(run.Out);
        return reply.RootElement.GetProperty("id").GetGuid();
    }

    private async Task<HostId> AddHostAsync(string name)
    {
        var host = Host.Create(HostId.New(), new HostDraft(name, 4)).Value!;
        await using var scope = _broker.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IHostStore>().AddAsync(host, TestContext.Current.CancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return host.Id;
    }

    private async Task RecordAsync(Guid image, HostId host, ImageHostImportState state, string? detail)
    {
        await using var scope = _broker.Services.CreateAsyncScope();
        var stored = new ImageImportHost { Image = new ImageId(image), Host = host, State = state, Detail = detail, UpdatedAt = TimeProvider.System.GetUtcNow() };
        (await scope.ServiceProvider.GetRequiredService<IImageImportStore>().RecordAsync(stored, TestContext.Current.CancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
    }
}
