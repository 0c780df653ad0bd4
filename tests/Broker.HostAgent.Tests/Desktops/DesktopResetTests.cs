using Broker.Contracts.V1;
using Broker.HostAgent.Desktops;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>RESET_TO_IMAGE (floating pools, on release): a fresh chain over the named image, the old one gone, once per command.</summary>
public sealed class DesktopResetTests : IAsyncDisposable
{
    private static readonly string DesktopId = Guid.NewGuid().ToString();
    private static readonly string ImageA = Guid.NewGuid().ToString();
    private static readonly string ImageB = Guid.NewGuid().ToString();

    private readonly DesktopManagerHarness _host = new(TimeProvider.System);

    [Fact]
    public async Task Reset_TheDesktopReadsAsTheNewImage_OldLayersAndBaseReferenceGone_ARepeatChangesNothing()
    {
        await ProvisionWithHistoryAsync();
        var oldDirectory = _host.Layers(DesktopId).Directory;
        var (referencesA, referencesB) = (References(ImageA), References(ImageB));
        var reset = Reset("reset-1", ImageB, epoch: 2);

        var outcome = await _host.ApplyAsync(reset);

        outcome.ShouldBe(CommandOutcome.Done);
        (await _host.ReadLiveAsync(DesktopId)).ShouldBe(Image(0xB2));
        _host.Layers(DesktopId).Manifest.Layers.ShouldBeEmpty();
        Directory.Exists(oldDirectory).ShouldBeFalse();
        References(ImageA).ShouldBe(referencesA - 1);
        References(ImageB).ShouldBe(referencesB + 1);
        _host.Manager.Observe().ShouldHaveSingleItem().Epoch.ShouldBe(2UL);

        var manifest = _host.Layers(DesktopId).Manifest;
        await _host.WriteAsync(DesktopId, 4L * 1024 * 1024, 0x44);
        var repeat = await _host.ApplyAsync(reset);

        repeat.Succeeded.ShouldBeTrue();
        repeat.Detail.ShouldNotBeEmpty();
        _host.Layers(DesktopId).Manifest.ShouldBeSameAs(manifest);
        Completions().ShouldBe([2UL, 2UL], "the broker hears of the reset again on a repeat: the first report may be what got lost");
        (await _host.ReadLiveAsync(DesktopId))[4 * 1024 * 1024].ShouldBe((byte)0x44, "a repeated reset keeps what was written since");
    }

    [Fact]
    public async Task Reset_ToTheSameImage_KeepsOneBaseReference_AndSurvivesARestart()
    {
        await ProvisionWithHistoryAsync();
        var references = References(ImageA);

        (await _host.ApplyAsync(Reset("reset-same", ImageA, epoch: 1))).ShouldBe(CommandOutcome.Done);
        await _host.RestartAsync();

        (await _host.ReadLiveAsync(DesktopId)).ShouldBe(Image(0xA1));
        References(ImageA).ShouldBe(references);
        (await _host.ApplyAsync(Reset("reset-same", ImageA, epoch: 1))).Detail.ShouldNotBeEmpty("the record remembers the reset across the restart");
    }

    [Fact]
    public async Task Restart_RemovesAChainDirectoryTheRecordDoesNotName_AndKeepsTheNamedChain()
    {
        await ProvisionWithHistoryAsync();
        var expected = await _host.ReadLiveAsync(DesktopId);
        var desktop = new HostAgentPaths(_host.DataDirectory).Desktop(DesktopId);
        var unfinished = desktop.Layers("layers-unfinished");
        Directory.CreateDirectory(unfinished);
        await File.WriteAllBytesAsync(Path.Combine(unfinished, "L-1.avhdx"), new byte[4096], TestContext.Current.CancellationToken);

        await _host.RestartAsync();

        Directory.Exists(unfinished).ShouldBeFalse();
        (await _host.ReadLiveAsync(DesktopId)).ShouldBe(expected);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Images A and B, a desktop on A with two sealed layers and writes in its top.</summary>
    private async Task ProvisionWithHistoryAsync()
    {
        await _host.RestartAsync();
        await _host.ImportImageAsync(ImageA, Pattern(0xA1));
        await _host.ImportImageAsync(ImageB, Pattern(0xB2));
        (await _host.ApplyAsync(new AgentCommand { Kind = AgentCommandKind.ProvisionDesktop, DesktopId = DesktopId, ImageId = ImageA, Epoch = 1 })).Succeeded.ShouldBeTrue();
        var layers = _host.Layers(DesktopId);
        for (var round = 0; round < 2; round++)
        {
            await _host.WriteAsync(DesktopId, (1 + round) * 1024L * 1024, (byte)(0x10 + round));
            _ = await layers.SealAsync(TestContext.Current.CancellationToken);
        }

        await _host.WriteAsync(DesktopId, 3L * 1024 * 1024, 0x30);
    }

    /// <summary>The epochs of the RESET_COMPLETED reports queued for the broker so far.</summary>
    private List<ulong> Completions()
    {
        var epochs = new List<ulong>();
        while (_host.Manager.Reports.Reader.TryRead(out var report))
        {
            if (report.Kind == DesktopReportKind.ResetCompleted)
            {
                epochs.Add(report.Epoch);
            }
        }

        return epochs;
    }

    private int References(string imageId) => _host.Manager.Images.Resolve(imageId)!.References;

    private static AgentCommand Reset(string commandId, string imageId, ulong epoch) =>
        new() { Kind = AgentCommandKind.ResetToImage, CommandId = commandId, DesktopId = DesktopId, ImageId = imageId, Epoch = epoch };

    private static byte[] Pattern(byte value) => Enumerable.Repeat(value, 64 * 1024).ToArray();

    private static byte[] Image(byte value)
    {
        var content = new byte[DesktopManagerHarness.VirtualSize];
        Pattern(value).CopyTo(content, 0);
        return content;
    }
}
