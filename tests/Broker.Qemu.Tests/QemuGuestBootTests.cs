using Broker.Testing.Qemu;

namespace Broker.Qemu.Tests;

/// <summary>Real QEMU (KVM when available, else TCG) booting the nasm test guests over NBD.</summary>
public sealed class QemuGuestBootTests
{
    private const int ChurnWritesPerBoot = 128;
    private const int ChurnFirstDataLba = 16;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CounterGuest_BootedThreeTimes_CountsOneTwoThree()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Counter, Token);

        var outputs = new List<string>();
        for (var boot = 0; boot < 3; boot++)
        {
            outputs.Add(await machine.BootToPowerOffAsync(Token));
        }

        outputs.Select(output => output.Trim()).ShouldBe(["boot count 1", "boot count 2", "boot count 3"]);
    }

    [Fact]
    public async Task ChurnGuest_BootedFiveTimes_VerifiesEveryEarlierBootsWrites()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Churn, Token, diskBytes: 16L * 1024 * 1024);

        var outputs = new List<string>();
        for (var boot = 0; boot < 5; boot++)
        {
            outputs.Add((await machine.BootToPowerOffAsync(Token)).Trim());
        }

        outputs.ShouldBe(Enumerable.Range(1, 5).Select(boot => $"verify ok {boot} sectors {(boot - 1) * ChurnWritesPerBoot}"));
    }

    [Fact]
    public async Task ChurnGuest_SectorCorruptedBetweenBoots_ReportsItsLba()
    {
        await using var machine = await GuestMachine.CreateAsync(TestGuests.Churn, Token);
        (await machine.BootToPowerOffAsync(Token)).Trim().ShouldBe("verify ok 1 sectors 0");

        // Write 0 goes to slot 0, the first data sector; flip one byte of its pseudo-random payload.
        await using (var disk = new FileStream(machine.DiskPath, FileMode.Open, FileAccess.ReadWrite))
        {
            var offset = (ChurnFirstDataLba * 512L) + 300;
            disk.Position = offset;
            var original = disk.ReadByte();
            disk.Position = offset;
            disk.WriteByte((byte)(original ^ 0x01));
        }

        (await machine.BootToPowerOffAsync(Token)).Trim().ShouldBe($"verify bad LBA {ChurnFirstDataLba}");
    }
}
