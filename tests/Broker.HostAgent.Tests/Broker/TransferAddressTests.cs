using Broker.HostAgent.Broker;

namespace Broker.HostAgent.Tests.Broker;

public sealed class TransferAddressTests
{
    [Fact]
    public void Advertised_OnLoopback_IsTheLoopbackAddressWithTheBoundPort()
    {
        var options = new HostAgentOptions { TransferPort = 0 };

        var address = TransferAddress.Advertised(options, ["http://127.0.0.1:41877"], "rack1-a");

        address.ShouldBe("http://127.0.0.1:41877");
    }

    [Fact]
    public void Advertised_ListeningOnEveryInterface_IsTheMachinesHostNameWithTheBoundPort()
    {
        var options = new HostAgentOptions { TransferListenAny = true };

        var address = TransferAddress.Advertised(options, ["http://0.0.0.0:7443"], "rack1-a");

        address.ShouldBe("http://rack1-a:7443");
    }

    [Fact]
    public void Advertised_WhenConfigured_IsTheConfiguredAddressWhateverWasBound()
    {
        var options = new HostAgentOptions { TransferListenAny = true, TransferAdvertiseAddress = "https://transfer.example:443" };

        var address = TransferAddress.Advertised(options, ["http://0.0.0.0:7443"], "rack1-a");

        address.ShouldBe("https://transfer.example:443");
    }

    [Fact]
    public void Advertised_BeforeAnythingIsBound_IsEmpty()
    {
        var address = TransferAddress.Advertised(new HostAgentOptions(), [], "rack1-a");

        address.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://10.0.0.5:7443", true)]
    [InlineData("https://transfer.example", true)]
    [InlineData("10.0.0.5:7443", false)]
    [InlineData("ftp://10.0.0.5", false)]
    [InlineData("http://user:secret@10.0.0.5:7443", false)]
    [InlineData("http://10.0.0.5:7443/?x=1", false)]
    public void Validate_TransferAdvertiseAddress_AcceptsOnlyAbsoluteHttpUrls(string address, bool valid)
    {
        var options = new HostAgentOptions { TransferAdvertiseAddress = address };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        errors.Count.ShouldBe(valid ? 0 : 1);
    }
}
