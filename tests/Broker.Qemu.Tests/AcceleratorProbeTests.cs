using Broker.Testing;

namespace Broker.Qemu.Tests;

public sealed class AcceleratorProbeTests
{
    [Fact]
    public void Detect_DeviceOpensReadWrite_ChoosesKvm()
    {
        // /dev/null stands in for a KVM node this user may open.
        var choice = AcceleratorProbe.Detect("/dev/null");

        choice.Accelerator.ShouldBe(Accelerator.Kvm);
    }

    [Fact]
    public void Detect_DeviceMissing_ChoosesTcgAndSaysWhy()
    {
        using var directory = new TempDirectory();

        var choice = AcceleratorProbe.Detect(directory.File("kvm"));

        choice.Accelerator.ShouldBe(Accelerator.Tcg);
        choice.Reason.ShouldContain(directory.File("kvm"));
    }

    [Fact]
    public void Detect_PathIsNotOpenableForWriting_ChoosesTcg()
    {
        using var directory = new TempDirectory();

        var choice = AcceleratorProbe.Detect(directory.Path);

        choice.Accelerator.ShouldBe(Accelerator.Tcg);
    }
}
