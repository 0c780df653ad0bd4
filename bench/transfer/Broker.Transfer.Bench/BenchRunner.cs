using Broker.Contracts.Tickets;
using Broker.Contracts.V1;

namespace Broker.Transfer.Bench;

/// <summary>The whole bench: prepare, start the host, the rows in order, then the table.</summary>
internal static class BenchRunner
{
    public static async Task RunAsync(string workDirectory, long rsyncPort, int runs)
    {
        var layout = new BenchLayout(workDirectory);
        await Preparation.PrepareAsync(layout);
        using var brokerKey = TicketKeys.CreatePrivateKey();
        await File.WriteAllTextAsync(layout.PublicKey, TicketKeys.ExportPublicKeyPem(brokerKey));
        var signer = new TicketSigner(brokerKey);
        var pullTicket = BenchTickets.Encode(signer, TransferDirection.Pull);
        var rsyncUrl = $"rsync://127.0.0.1:{rsyncPort}";

        await using var host = await HostProcess.StartAsync(layout);
        var pull = new PullRow(layout, host, pullTicket, rsyncUrl);
        var cleanPullChunks = await pull.WarmUpAsync();
        for (var run = 0; run < runs; run++)
        {
            await pull.RunOnceAsync();
        }

        var resume = new ResumeRow(layout, host, pullTicket);
        await resume.RunAsync(cleanPullChunks);

        var sync = new SyncRow(layout, host, pull.Client, BenchTickets.Encode(signer, TransferDirection.Push), rsyncUrl);
        for (var run = 0; run < runs; run++)
        {
            await sync.RunOnceAsync(run);
        }

        BenchReport.Print(runs, pull, sync, resume);
    }
}
