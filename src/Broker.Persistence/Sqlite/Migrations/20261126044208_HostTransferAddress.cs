using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HostTransferAddress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TransferAddress",
                table: "Hosts",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TransferAddress",
                table: "Hosts");
        }
    }
}
