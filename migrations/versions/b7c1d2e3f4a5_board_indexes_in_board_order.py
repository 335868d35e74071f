"""board indexes in board order: score DESC, reached_at, user_id

A board reads best first, ties to whoever got there first, then by user id. With the score
column descending in the index and the user id at its end, the top 20 and a player's
neighbours are short walks of the index, however long a run of equal scores is (relaxed
rounds give few distinct scores).

Revision ID: b7c1d2e3f4a5
Revises: 9f975dd4504f
Create Date: 2026-11-29 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '9f975dd4504f'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_best_scores_board', table_name='best_scores')
    op.create_index('ix_best_scores_board', 'best_scores', [
        'period', 'quiz_id', 'mode', 'hidden', sa.text('score DESC'), 'reached_at', 'user_id'])
    op.drop_index('ix_total_scores_board', table_name='total_scores')
    op.create_index('ix_total_scores_board', 'total_scores', [
        'period', 'mode', 'hidden', sa.text('total DESC'), 'reached_at', 'user_id'])


def downgrade():
    op.drop_index('ix_total_scores_board', table_name='total_scores')
    op.create_index('ix_total_scores_board', 'total_scores',
                    ['period', 'mode', 'hidden', 'total', 'reached_at'])
    op.drop_index('ix_best_scores_board', table_name='best_scores')
    op.create_index('ix_best_scores_board', 'best_scores',
                    ['period', 'quiz_id', 'mode', 'hidden', 'score', 'reached_at'])
