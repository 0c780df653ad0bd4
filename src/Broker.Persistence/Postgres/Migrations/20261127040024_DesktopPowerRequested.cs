using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DesktopPowerRequested : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "PowerRequested",
                table: "Desktops",
                type: "boolean",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PowerRequested",
                table: "Desktops");
        }
    }
}
