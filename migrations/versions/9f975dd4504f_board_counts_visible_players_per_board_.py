"""board counts: visible players per board and band of 100 points, back-filled

Revision ID: 9f975dd4504f
Revises: 7441821bf62b
Create Date: 2026-11-22 09:14:35.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f975dd4504f'
down_revision = '7441821bf62b'
branch_labels = None
depends_on = None

# The band width and the quiz id of the totals boards, as services/boards.py had them when this
# revision was written (a migration must not follow later edits of the app).
BUCKET_WIDTH = 100
TOTAL_BOARD = '*'


def upgrade():
    op.create_table('board_counts',
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('quiz_id', sa.String(length=40), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('bucket', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period', 'quiz_id', 'mode', 'bucket')
    )
    # Count the visible rows already stored. Scores are never negative and both columns are
    # integers, so "/" is the floor division on PostgreSQL and SQLite alike.
    op.execute(
        sa.text(
            f"""
            INSERT INTO board_counts (period, quiz_id, mode, bucket, n)
            SELECT period, quiz_id, mode, score / {BUCKET_WIDTH}, count(*)
            FROM best_scores WHERE NOT hidden
            GROUP BY period, quiz_id, mode, score / {BUCKET_WIDTH}
            UNION ALL
            SELECT period, '{TOTAL_BOARD}', mode, total / {BUCKET_WIDTH}, count(*)
            FROM total_scores WHERE NOT hidden
            GROUP BY period, mode, total / {BUCKET_WIDTH}
            """
        )
    )


def downgrade():
    op.drop_table('board_counts')
