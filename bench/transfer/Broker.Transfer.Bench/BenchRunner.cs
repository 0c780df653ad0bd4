using Broker.Contracts.Tickets;
using Broker.Contracts.V1;

namespace Broker.Transfer.Bench;

/// <summary>
/// The whole bench: prepare, start the host, the rows in order, then the table. Row 1 (with row 4's
/// figures) always runs; <c>TRANSFER_BENCH_ROWS</c> (e.g. <c>1</c> or <c>1,3</c>; default all)
/// picks which of rows 2 and 3 run too.
/// </summary>
internal static class BenchRunner
{
    public static async Task RunAsync(string workDirectory, long rsyncPort, int runs)
    {
        var rows = (Environment.GetEnvironmentVariable("TRANSFER_BENCH_ROWS") ?? "1,2,3").Split(',', StringSplitOptions.TrimEntries);
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

        ResumeRow? resume = null;
        if (rows.Contains("3"))
        {
            resume = new ResumeRow(layout, host, pullTicket);
            await resume.RunAsync(cleanPullChunks);
        }

        SyncRow? sync = null;
        if (rows.Contains("2"))
        {
            var tickets = new PushTickets(BenchTickets.Encode(signer, TransferDirection.Push), BenchTickets.Encode(signer, TransferDirection.Push, BenchLayout.WarmUpDesktopId));
            sync = await SyncRow.StartAsync(layout, host, pull.Client, tickets, rsyncUrl);
            for (var run = 0; run < runs; run++)
            {
                await sync.RunOnceAsync(run);
            }
        }

        BenchReport.Print(runs, pull, sync, resume);
    }
}
